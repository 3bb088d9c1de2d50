namespace LiquidationEngine.Numerics;

/// <summary>A decimal value stored as a <see cref="long"/> count of 10^-<see cref="Decimals"/> units.</summary>
/// <typeparam name="TSelf">The implementing value type.</typeparam>
public interface IFixedPoint<TSelf>
    where TSelf : struct, IFixedPoint<TSelf>
{
    /// <summary>Number of decimal places the raw value carries.</summary>
    static abstract int Decimals { get; }

    /// <summary>The scaled integer.</summary>
    long Raw { get; }

    /// <summary>Wraps a raw scaled integer.</summary>
    static abstract TSelf FromRaw(long raw);
}

/// <summary>Parsing and formatting shared by every <see cref="IFixedPoint{TSelf}"/> type.</summary>
public static class FixedPointText
{
    /// <summary>Parses exactly or throws <see cref="FormatException"/> naming the reason.</summary>
    public static T Parse<T>(ReadOnlySpan<char> text)
        where T : struct, IFixedPoint<T>
    {
        ParseError error = FixedPoint.TryParse(text, T.Decimals, out long raw);
        return error == ParseError.None
            ? T.FromRaw(raw)
            : throw new FormatException($"'{text}' is not an exact {typeof(T).Name} with {T.Decimals} decimals: {error}");
    }

    /// <summary>Parses exactly; returns the reason on failure.</summary>
    public static ParseError TryParse<T>(ReadOnlySpan<char> text, out T value)
        where T : struct, IFixedPoint<T>
    {
        ParseError error = FixedPoint.TryParse(text, T.Decimals, out long raw);
        value = T.FromRaw(raw);
        return error;
    }

    /// <summary>Parses UTF-8 exactly; returns the reason on failure.</summary>
    public static ParseError TryParse<T>(ReadOnlySpan<byte> utf8, out T value)
        where T : struct, IFixedPoint<T>
    {
        ParseError error = FixedPoint.TryParse(utf8, T.Decimals, out long raw);
        value = T.FromRaw(raw);
        return error;
    }
}
