using System.Globalization;
using System.Runtime.CompilerServices;

namespace LiquidationEngine.Numerics;

/// <summary>A price in quote currency per base unit, e.g. a mark price. Binance sends up to 8 decimals ("28147.27373413").</summary>
/// <remarks>Scale: 1 unit = 10^-8 (raw 100_000_000 = 1). Arithmetic is checked: overflow throws, it never wraps.</remarks>
public readonly struct Price : IFixedPoint<Price>, IEquatable<Price>, IComparable<Price>
{
    /// <summary>Raw units per whole unit.</summary>
    public const long Scale = 100_000_000;

    /// <summary>Zero.</summary>
    public static readonly Price Zero;

    /// <summary>Creates a value from its raw scaled integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Price(long raw) => Raw = raw;

    /// <summary>The value in units of 10^-8.</summary>
    public long Raw { get; }

    /// <inheritdoc/>
    public static int Decimals => 8;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Price FromRaw(long raw) => new(raw);

    /// <summary>Parses a decimal string exactly; throws <see cref="FormatException"/> with the reason otherwise.</summary>
    public static Price Parse(string text) => FixedPointText.Parse<Price>(text);

    /// <summary>A whole number of units.</summary>
    public static Price FromUnits(long units) => new(checked(units * Scale));

#pragma warning disable CS1591 // operators are self-describing
    public static Price operator +(Price a, Price b) => new(checked(a.Raw + b.Raw));
    public static Price operator -(Price a, Price b) => new(checked(a.Raw - b.Raw));
    public static Price operator -(Price a) => new(checked(-a.Raw));
    public static bool operator ==(Price a, Price b) => a.Raw == b.Raw;
    public static bool operator !=(Price a, Price b) => a.Raw != b.Raw;
    public static bool operator <(Price a, Price b) => a.Raw < b.Raw;
    public static bool operator >(Price a, Price b) => a.Raw > b.Raw;
    public static bool operator <=(Price a, Price b) => a.Raw <= b.Raw;
    public static bool operator >=(Price a, Price b) => a.Raw >= b.Raw;
#pragma warning restore CS1591

    /// <summary>Alternate for operator +.</summary>
    public static Price Add(Price left, Price right) => left + right;

    /// <summary>Alternate for operator -.</summary>
    public static Price Subtract(Price left, Price right) => left - right;

    /// <summary>Alternate for unary operator -.</summary>
    public static Price Negate(Price value) => -value;

    /// <inheritdoc/>
    public bool Equals(Price other) => Raw == other.Raw;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Price other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Raw.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(Price other) => Raw.CompareTo(other.Raw);

    /// <summary>Exact decimal text without trailing zeros.</summary>
    public override string ToString() => FixedPoint.Format(Raw, 8);

    /// <summary>Raw integer, for logs and debugging.</summary>
    public string ToRawString() => Raw.ToString(CultureInfo.InvariantCulture);
}
