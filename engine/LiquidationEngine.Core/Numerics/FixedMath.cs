using System.Runtime.CompilerServices;

namespace LiquidationEngine.Numerics;

/// <summary>Products and quotients across the fixed-point types, through 128-bit intermediates.</summary>
/// <remarks>Every method takes the rounding explicitly so that each call site states whether it computes a
/// requirement (round <see cref="Rounding.Up"/>) or a payout (round <see cref="Rounding.Down"/>).</remarks>
public static class FixedMath
{
    /// <summary><c>q × p</c>: the notional of a quantity at a price.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Money Notional(Quantity quantity, Price price, Rounding rounding)
        => new(FixedPoint.Divide(Math.BigMul(quantity.Raw, price.Raw), Quantity.Scale, rounding));

    /// <summary><c>m × r</c>: an amount times a rate (fee, maintenance rate, funding rate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Money Apply(Money amount, Rate rate, Rounding rounding)
        => new(FixedPoint.Divide(Math.BigMul(amount.Raw, rate.Raw), Rate.Scale, rounding));

    /// <summary><c>m / n</c>, e.g. initial margin = notional / leverage.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Money Divide(Money amount, long divisor, Rounding rounding)
        => new(FixedPoint.Divide(amount.Raw, divisor, rounding));

    /// <summary>The smaller of two amounts.</summary>
    public static Money Min(Money a, Money b) => a <= b ? a : b;

    /// <summary>The larger of two amounts.</summary>
    public static Money Max(Money a, Money b) => a >= b ? a : b;
}
