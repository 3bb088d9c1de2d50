namespace LiquidationEngine.Feeds;

/// <summary>Thrown by a reader in strict mode (<see cref="FeedReaderOptions.Strict"/>) at the first bad line.</summary>
public sealed class FeedException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>; the message is <see cref="FeedError.ToString"/>.</summary>
    public FeedException(FeedError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).ToString())
        => Error = error;

    /// <summary>Creates an exception without a structured error (kept for the standard exception shape).</summary>
    public FeedException()
        : this(new FeedError(string.Empty, 0, FeedErrorKind.MalformedLine, "feed error"))
    {
    }

    /// <summary>Creates an exception with a message only (kept for the standard exception shape).</summary>
    public FeedException(string message)
        : this(new FeedError(string.Empty, 0, FeedErrorKind.MalformedLine, message))
    {
    }

    /// <summary>Creates an exception with a message and cause (kept for the standard exception shape).</summary>
    public FeedException(string message, Exception innerException)
        : base(message, innerException)
        => Error = new FeedError(string.Empty, 0, FeedErrorKind.MalformedLine, message);

    /// <summary>The error that stopped the read.</summary>
    public FeedError Error { get; }
}
