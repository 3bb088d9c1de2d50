namespace LiquidationEngine.Replay;

/// <summary>Why a row of a positions file was rejected.</summary>
public enum BookErrorKind : byte
{
    /// <summary>The row does not have the format's shape: wrong record type, wrong field count, bad JSON.</summary>
    MalformedLine = 0,

    /// <summary>A number that is not an exact positive decimal where one is required (NaN, negative, zero, off-grid, too many decimals).</summary>
    InvalidValue = 1,

    /// <summary>The symbol is neither an instrument symbol nor a venue symbol of the catalog.</summary>
    UnknownSymbol = 2,

    /// <summary>The asset is not one of the catalog's settlement assets.</summary>
    UnknownAsset = 3,

    /// <summary>A second isolated position of the same account on the same instrument.</summary>
    DuplicatePosition = 4,

    /// <summary>The file holds no balance and no position.</summary>
    EmptyFile = 5,

    /// <summary>The engine rejected the row's command (insufficient balance, leverage above the bracket's max, ...).</summary>
    EngineRejected = 6,
}

/// <summary>One rejected row of a positions file.</summary>
/// <param name="File">The file as given.</param>
/// <param name="Line">1-based line the error is about (0 for the whole file).</param>
/// <param name="Kind">The category, counted per kind in the replay summary.</param>
/// <param name="Message">What is wrong, with the offending value.</param>
public sealed record BookError(string File, long Line, BookErrorKind Kind, string Message)
{
    /// <summary><c>file:line: Kind: message</c>.</summary>
    public override string ToString() => $"{File}:{Line}: {Kind}: {Message}";
}

/// <summary>Thrown in strict mode at the first bad row of a positions file.</summary>
public sealed class PositionBookException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public PositionBookException(BookError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).ToString())
        => Error = error;

    /// <summary>Creates an exception with a message only.</summary>
    public PositionBookException()
        : this(new BookError(string.Empty, 0, BookErrorKind.MalformedLine, "positions file error"))
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    public PositionBookException(string message)
        : this(new BookError(string.Empty, 0, BookErrorKind.MalformedLine, message))
    {
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public PositionBookException(string message, Exception innerException)
        : base(message, innerException)
        => Error = new BookError(string.Empty, 0, BookErrorKind.MalformedLine, message);

    /// <summary>The error that stopped the load.</summary>
    public BookError Error { get; }
}
