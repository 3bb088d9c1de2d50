using System.Globalization;
using System.Runtime.CompilerServices;

namespace LiquidationEngine.Numerics;

/// <summary>A position size in base units (always stored as a magnitude; the side is kept separately).</summary>
/// <remarks>Scale: 1 unit = 10^-8 (raw 100_000_000 = 1). Arithmetic is checked: overflow throws, it never wraps.</remarks>
public readonly struct Quantity : IFixedPoint<Quantity>, IEquatable<Quantity>, IComparable<Quantity>
{
    /// <summary>Raw units per whole unit.</summary>
    public const long Scale = 100_000_000;

    /// <summary>Zero.</summary>
    public static readonly Quantity Zero;

    /// <summary>Creates a value from its raw scaled integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Quantity(long raw) => Raw = raw;

    /// <summary>The value in units of 10^-8.</summary>
    public long Raw { get; }

    /// <inheritdoc/>
    public static int Decimals => 8;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quantity FromRaw(long raw) => new(raw);

    /// <summary>Parses a decimal string exactly; throws <see cref="FormatException"/> with the reason otherwise.</summary>
    public static Quantity Parse(string text) => FixedPointText.Parse<Quantity>(text);

    /// <summary>A whole number of units.</summary>
    public static Quantity FromUnits(long units) => new(checked(units * Scale));

#pragma warning disable CS1591 // operators are self-describing
    public static Quantity operator +(Quantity a, Quantity b) => new(checked(a.Raw + b.Raw));
    public static Quantity operator -(Quantity a, Quantity b) => new(checked(a.Raw - b.Raw));
    public static Quantity operator -(Quantity a) => new(checked(-a.Raw));
    public static bool operator ==(Quantity a, Quantity b) => a.Raw == b.Raw;
    public static bool operator !=(Quantity a, Quantity b) => a.Raw != b.Raw;
    public static bool operator <(Quantity a, Quantity b) => a.Raw < b.Raw;
    public static bool operator >(Quantity a, Quantity b) => a.Raw > b.Raw;
    public static bool operator <=(Quantity a, Quantity b) => a.Raw <= b.Raw;
    public static bool operator >=(Quantity a, Quantity b) => a.Raw >= b.Raw;
#pragma warning restore CS1591

    /// <summary>Alternate for operator +.</summary>
    public static Quantity Add(Quantity left, Quantity right) => left + right;

    /// <summary>Alternate for operator -.</summary>
    public static Quantity Subtract(Quantity left, Quantity right) => left - right;

    /// <summary>Alternate for unary operator -.</summary>
    public static Quantity Negate(Quantity value) => -value;

    /// <inheritdoc/>
    public bool Equals(Quantity other) => Raw == other.Raw;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Quantity other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Raw.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(Quantity other) => Raw.CompareTo(other.Raw);

    /// <summary>Exact decimal text without trailing zeros.</summary>
    public override string ToString() => FixedPoint.Format(Raw, 8);

    /// <summary>Raw integer, for logs and debugging.</summary>
    public string ToRawString() => Raw.ToString(CultureInfo.InvariantCulture);
}
