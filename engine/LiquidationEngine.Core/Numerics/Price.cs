namespace LiquidationEngine.Numerics;

/// <summary>A price in quote currency per base unit, e.g. a mark price. Binance sends up to 8 decimals ("28147.27373413").</summary>
/// <remarks>Scale: 1 unit = 10^-8 (raw 100_000_000 = 1). Arithmetic is checked: overflow throws, it never wraps.
/// The members (raw value, operators, equality, comparison, parse, format) are generated from
/// <see cref="FixedPointAttribute"/> by engine/LiquidationEngine.Generators; docs/ARCHITECTURE.md, "Numerics".</remarks>
[FixedPoint(decimals: 8)]
public readonly partial struct Price;
