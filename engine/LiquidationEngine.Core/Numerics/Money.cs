using System.Globalization;
using System.Runtime.CompilerServices;

namespace LiquidationEngine.Numerics;

/// <summary>An amount of a settlement asset (USD, USDC, ...). 8 decimals covers USDC's 6 with room for exact fee and funding math.</summary>
/// <remarks>Scale: 1 unit = 10^-8 (raw 100_000_000 = 1). Arithmetic is checked: overflow throws, it never wraps.</remarks>
public readonly struct Money : IFixedPoint<Money>, IEquatable<Money>, IComparable<Money>
{
    /// <summary>Raw units per whole unit.</summary>
    public const long Scale = 100_000_000;

    /// <summary>Zero.</summary>
    public static readonly Money Zero;

    /// <summary>Creates a value from its raw scaled integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Money(long raw) => Raw = raw;

    /// <summary>The value in units of 10^-8.</summary>
    public long Raw { get; }

    /// <inheritdoc/>
    public static int Decimals => 8;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Money FromRaw(long raw) => new(raw);

    /// <summary>Parses a decimal string exactly; throws <see cref="FormatException"/> with the reason otherwise.</summary>
    public static Money Parse(string text) => FixedPointText.Parse<Money>(text);

    /// <summary>A whole number of units.</summary>
    public static Money FromUnits(long units) => new(checked(units * Scale));

#pragma warning disable CS1591 // operators are self-describing
    public static Money operator +(Money a, Money b) => new(checked(a.Raw + b.Raw));
    public static Money operator -(Money a, Money b) => new(checked(a.Raw - b.Raw));
    public static Money operator -(Money a) => new(checked(-a.Raw));
    public static bool operator ==(Money a, Money b) => a.Raw == b.Raw;
    public static bool operator !=(Money a, Money b) => a.Raw != b.Raw;
    public static bool operator <(Money a, Money b) => a.Raw < b.Raw;
    public static bool operator >(Money a, Money b) => a.Raw > b.Raw;
    public static bool operator <=(Money a, Money b) => a.Raw <= b.Raw;
    public static bool operator >=(Money a, Money b) => a.Raw >= b.Raw;
#pragma warning restore CS1591

    /// <summary>Alternate for operator +.</summary>
    public static Money Add(Money left, Money right) => left + right;

    /// <summary>Alternate for operator -.</summary>
    public static Money Subtract(Money left, Money right) => left - right;

    /// <summary>Alternate for unary operator -.</summary>
    public static Money Negate(Money value) => -value;

    /// <inheritdoc/>
    public bool Equals(Money other) => Raw == other.Raw;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Money other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Raw.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(Money other) => Raw.CompareTo(other.Raw);

    /// <summary>Exact decimal text without trailing zeros.</summary>
    public override string ToString() => FixedPoint.Format(Raw, 8);

    /// <summary>Raw integer, for logs and debugging.</summary>
    public string ToRawString() => Raw.ToString(CultureInfo.InvariantCulture);
}
