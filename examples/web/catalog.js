// The host's product catalog for the bundled Chinese sample store: what a
// shop front knows about its products (names, pictures, specs). Prices,
// tiers, sales and tax come from the engine, never from here.
export const PRODUCTS = {
  "TEA-LONGJING-250G": {
    zh: "西湖龙井 明前特级",
    en: "West Lake Longjing green tea, pre-Qingming grade",
    spec: { zh: "250克 礼盒装", en: "250 g gift box" },
    tile: "茶",
    color: "#5b8c5a",
  },
  "WATER-550ML": {
    zh: "天然矿泉水",
    en: "Natural mineral water",
    spec: { zh: "550毫升 / 瓶，满12瓶享整箱价", en: "550 ml bottle, case price from 12" },
    tile: "水",
    color: "#3a86c8",
  },
  "SNACK-NUTS-500G": {
    zh: "每日坚果 混合装",
    en: "Daily mixed nuts",
    spec: { zh: "500克 / 罐", en: "500 g tin" },
    tile: "果",
    color: "#b5792f",
  },
  "SNACK-DATES-1KG": {
    zh: "新疆和田大枣",
    en: "Hotan red dates from Xinjiang",
    spec: { zh: "1千克 / 袋", en: "1 kg bag" },
    tile: "枣",
    color: "#b23a3a",
  },
  "BOOK-TEA-CLASSIC": {
    zh: "《茶经》精装注释本",
    en: "The Classic of Tea, annotated hardcover",
    spec: { zh: "图书 · 陆羽 著", en: "Book · by Lu Yu" },
    tile: "书",
    color: "#6a5a8c",
  },
  "GIFT-TEACUP": { zh: "青瓷品茗杯", en: "Celadon tea cup", spec: { zh: "赠品", en: "gift" }, tile: "杯", color: "#7fb3a6" },
};

/** The product for a SKU, or a plain placeholder for one the catalog lacks. */
export function productOf(sku) {
  return PRODUCTS[sku] ?? { zh: sku, en: sku, spec: { zh: "", en: "" }, tile: "货", color: "#888" };
}
