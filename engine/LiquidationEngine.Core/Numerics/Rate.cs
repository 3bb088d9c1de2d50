using System.Globalization;
using System.Runtime.CompilerServices;

namespace LiquidationEngine.Numerics;

/// <summary>A dimensionless rate: maintenance margin rate, fee rate, funding rate. 10 decimals holds every venue's published funding rate exactly.</summary>
/// <remarks>Scale: 1 unit = 10^-10 (raw 10_000_000_000 = 1). Arithmetic is checked: overflow throws, it never wraps.</remarks>
public readonly struct Rate : IFixedPoint<Rate>, IEquatable<Rate>, IComparable<Rate>
{
    /// <summary>Raw units per whole unit.</summary>
    public const long Scale = 10_000_000_000;

    /// <summary>Zero.</summary>
    public static readonly Rate Zero;

    /// <summary>Creates a value from its raw scaled integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Rate(long raw) => Raw = raw;

    /// <summary>The value in units of 10^-10.</summary>
    public long Raw { get; }

    /// <inheritdoc/>
    public static int Decimals => 10;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Rate FromRaw(long raw) => new(raw);

    /// <summary>Parses a decimal string exactly; throws <see cref="FormatException"/> with the reason otherwise.</summary>
    public static Rate Parse(string text) => FixedPointText.Parse<Rate>(text);

    /// <summary>A whole number of units.</summary>
    public static Rate FromUnits(long units) => new(checked(units * Scale));

#pragma warning disable CS1591 // operators are self-describing
    public static Rate operator +(Rate a, Rate b) => new(checked(a.Raw + b.Raw));
    public static Rate operator -(Rate a, Rate b) => new(checked(a.Raw - b.Raw));
    public static Rate operator -(Rate a) => new(checked(-a.Raw));
    public static bool operator ==(Rate a, Rate b) => a.Raw == b.Raw;
    public static bool operator !=(Rate a, Rate b) => a.Raw != b.Raw;
    public static bool operator <(Rate a, Rate b) => a.Raw < b.Raw;
    public static bool operator >(Rate a, Rate b) => a.Raw > b.Raw;
    public static bool operator <=(Rate a, Rate b) => a.Raw <= b.Raw;
    public static bool operator >=(Rate a, Rate b) => a.Raw >= b.Raw;
#pragma warning restore CS1591

    /// <summary>Alternate for operator +.</summary>
    public static Rate Add(Rate left, Rate right) => left + right;

    /// <summary>Alternate for operator -.</summary>
    public static Rate Subtract(Rate left, Rate right) => left - right;

    /// <summary>Alternate for unary operator -.</summary>
    public static Rate Negate(Rate value) => -value;

    /// <inheritdoc/>
    public bool Equals(Rate other) => Raw == other.Raw;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Rate other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Raw.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(Rate other) => Raw.CompareTo(other.Raw);

    /// <summary>Exact decimal text without trailing zeros.</summary>
    public override string ToString() => FixedPoint.Format(Raw, 10);

    /// <summary>Raw integer, for logs and debugging.</summary>
    public string ToRawString() => Raw.ToString(CultureInfo.InvariantCulture);
}
