namespace LiquidationEngine.Feeds;

/// <summary>What <see cref="FeedInput.ReadLine"/> found.</summary>
internal enum LineStatus : byte
{
    /// <summary>A complete line.</summary>
    Line,

    /// <summary>The input ended cleanly.</summary>
    End,

    /// <summary>The input is truncated or corrupt (see <see cref="FeedInput.FailureKind"/>); nothing more can be read.
    /// A partial last line is dropped, never returned: it may end in the middle of a number.</summary>
    Failed,

    /// <summary>A line longer than <see cref="FeedInput.MaxLineLength"/> was skipped.</summary>
    TooLong,
}
