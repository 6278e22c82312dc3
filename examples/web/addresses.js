// The sample customer's address book (收货地址): host data, like the
// catalog. Each entry is a quote request `destination` (country, region,
// city, postcode) with its labels; which shipping zone it falls in, what
// ships there, at what price and when it arrives is the engine's answer.
//
// The bundled rule set ships to mainland China (zone `cn-mainland`), prices
// Xinjiang and Tibet as remote (zone `cn-remote`, 偏远地区, with a surcharge
// and slower transit), and ships to Hong Kong, the United States and Germany
// by international express (zone `intl`). Those three are also markets
// (HKD, USD, EUR) with customs destinations: the page's market switcher
// shows the addresses of the chosen market's countries.
export const ADDRESSES = [
  {
    id: "ningbo",
    zh: "浙江 宁波市",
    en: "Ningbo, Zhejiang",
    destination: { country: "CN", region: "Zhejiang", city: "Ningbo", postcode: "315000" },
  },
  {
    id: "shanghai",
    zh: "上海市 黄浦区",
    en: "Huangpu, Shanghai",
    destination: { country: "CN", region: "Shanghai", city: "Shanghai", postcode: "200001" },
  },
  {
    id: "beijing",
    zh: "北京市 东城区",
    en: "Dongcheng, Beijing",
    destination: { country: "CN", region: "Beijing", city: "Beijing", postcode: "100010" },
  },
  {
    id: "urumqi",
    zh: "新疆 乌鲁木齐市",
    en: "Ürümqi, Xinjiang",
    destination: { country: "CN", region: "Xinjiang", city: "Urumqi", postcode: "830000" },
  },
  {
    id: "lhasa",
    zh: "西藏 拉萨市",
    en: "Lhasa, Tibet",
    destination: { country: "CN", region: "Tibet", city: "Lhasa", postcode: "850000" },
  },
  {
    id: "hong-kong",
    zh: "香港 中西区",
    en: "Central and Western, Hong Kong",
    destination: { country: "HK", region: "Hong Kong Island", city: "Central" },
  },
  {
    id: "new-york",
    zh: "美国 纽约州 纽约市",
    en: "New York, NY, United States",
    destination: { country: "US", region: "NY", city: "New York", postcode: "10001" },
  },
  {
    id: "berlin",
    zh: "德国 柏林",
    en: "Berlin, Germany",
    destination: { country: "DE", region: "Berlin", city: "Berlin", postcode: "10115" },
  },
];

/**
 * The address book for a customer whose request ships to `destination`:
 * `{ addresses, selected }`, `selected` being the id of the entry equal to
 * it (a new first entry when the book lacks it; the first entry when there
 * is no destination).
 */
export function addressBook(destination) {
  if (!destination) return { addresses: ADDRESSES, selected: ADDRESSES[0].id };
  const same = (a) =>
    ["country", "region", "city", "postcode"].every((k) => (a.destination[k] ?? null) === (destination[k] ?? null));
  const known = ADDRESSES.find(same);
  if (known) return { addresses: ADDRESSES, selected: known.id };
  const label = [destination.region, destination.city].filter(Boolean).join(" ") || destination.country;
  const entry = { id: "from-request", zh: label, en: label, destination: { ...destination } };
  return { addresses: [entry, ...ADDRESSES], selected: entry.id };
}
