//! Default texts for stable codes, in English and Simplified Chinese.
//!
//! Hosts usually render their own text from the code and its parameters;
//! these defaults exist so that every code has a readable message.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// A language for default messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
pub enum Lang {
    /// English.
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-Hans")]
    ZhHans,
}

/// The default one-line text for an error code.
///
/// ```
/// use commerce_rules::{messages::{error_text, Lang}, ErrorCode};
/// assert_eq!(error_text(ErrorCode::OutOfRange, Lang::En), "value out of range");
/// assert_eq!(error_text(ErrorCode::OutOfRange, Lang::ZhHans), "数值超出范围");
/// ```
pub fn error_text(code: ErrorCode, lang: Lang) -> &'static str {
    let (en, zh) = match code {
        ErrorCode::InvalidJson => ("invalid JSON", "JSON 格式错误"),
        ErrorCode::UnknownField => ("unknown field", "未知字段"),
        ErrorCode::MissingField => ("missing field", "缺少字段"),
        ErrorCode::InvalidValue => ("invalid value", "取值无效"),
        ErrorCode::JsonTooLarge => ("JSON too large", "JSON 过大"),
        ErrorCode::JsonTooDeep => ("JSON nested too deeply", "JSON 嵌套过深"),
        ErrorCode::LimitExceeded => ("limit exceeded", "超出限制"),
        ErrorCode::UnsupportedSchemaVersion => ("unsupported schema version", "不支持的规则版本"),
        ErrorCode::UnknownTimeZone => ("unknown time zone", "未知时区"),
        ErrorCode::OutOfRange => ("value out of range", "数值超出范围"),
        ErrorCode::DuplicateId => ("duplicate id", "标识重复"),
        ErrorCode::UnknownReference => ("unknown reference", "引用了未定义的标识"),
        ErrorCode::ConflictingFields => ("conflicting fields", "字段冲突"),
        ErrorCode::InvalidWindow => ("window ends before it starts", "时间窗口结束早于开始"),
        ErrorCode::CurrencyMismatch => ("currency mismatch", "币种不一致"),
        ErrorCode::TooPrecise => ("amount too precise for the currency", "金额精度超出币种最小单位"),
        ErrorCode::ArithmeticOverflow => ("amount out of range", "金额超出可计算范围"),
        ErrorCode::InvalidRules => ("invalid rule set", "规则集无效"),
        ErrorCode::InvalidArgument => ("invalid argument", "参数无效"),
        ErrorCode::Internal => ("internal error", "内部错误"),
    };
    match lang {
        Lang::En => en,
        Lang::ZhHans => zh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_both_texts() {
        for code in ErrorCode::ALL {
            assert!(!error_text(*code, Lang::En).is_empty());
            assert!(!error_text(*code, Lang::ZhHans).is_empty());
        }
    }
}
