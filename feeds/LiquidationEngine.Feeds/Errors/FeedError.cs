namespace LiquidationEngine.Feeds;

/// <summary>One rejected line (or file) of a feed.</summary>
/// <param name="File">The file as given to the reader.</param>
/// <param name="Line">1-based line (binary format: record number, 0 for the header) the error is about.</param>
/// <param name="Kind">The category, counted per kind by <see cref="FeedErrorCollector"/>.</param>
/// <param name="Message">What is wrong, in words, including the offending value where there is one.</param>
public sealed record FeedError(string File, long Line, FeedErrorKind Kind, string Message)
{
    /// <summary><c>file:line: Kind: message</c>, the form compilers use, so editors can jump to it.</summary>
    public override string ToString() => $"{File}:{Line}: {Kind}: {Message}";
}
