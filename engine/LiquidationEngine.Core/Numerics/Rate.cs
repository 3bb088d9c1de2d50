namespace LiquidationEngine.Numerics;

/// <summary>A dimensionless rate: maintenance margin rate, fee rate, funding rate. 10 decimals holds every venue's published funding rate exactly.</summary>
/// <remarks>Scale: 1 unit = 10^-10 (raw 10_000_000_000 = 1). Arithmetic is checked: overflow throws, it never wraps.
/// The members (raw value, operators, equality, comparison, parse, format) are generated from
/// <see cref="FixedPointAttribute"/> by engine/LiquidationEngine.Generators; docs/ARCHITECTURE.md, "Numerics".</remarks>
[FixedPoint(decimals: 10)]
public readonly partial struct Rate;
