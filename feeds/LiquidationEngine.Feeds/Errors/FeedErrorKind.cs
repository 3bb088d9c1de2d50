namespace LiquidationEngine.Feeds;

/// <summary>Why a line (or a whole file) of a feed was rejected.</summary>
public enum FeedErrorKind : byte
{
    /// <summary>The line does not have the format's shape: bad JSON, wrong column count, missing or unparsable field,
    /// a funding rate with more decimals than <see cref="Numerics.Rate"/> holds, an overlong line, an unrecognised format.</summary>
    MalformedLine = 0,

    /// <summary>A price that is not a positive exact decimal: NaN, infinity, text, negative, zero, too many decimals, overflow.</summary>
    InvalidPrice = 1,

    /// <summary>The venue symbol is not in the <see cref="SymbolMap"/>.</summary>
    UnknownSymbol = 2,

    /// <summary>A record older than the previous one of the same file.</summary>
    OutOfOrderTimestamp = 3,

    /// <summary>The input ends early: a truncated gzip stream, a cut binary record, a binary file without its end marker.</summary>
    TruncatedInput = 4,

    /// <summary>The file holds no data: zero bytes, only blank lines, or only a header.</summary>
    EmptyFile = 5,

    /// <summary>The bytes are damaged: a gzip CRC error, a binary record or header whose CRC32C does not match, a bad magic.</summary>
    CorruptInput = 6,
}
