namespace LiquidationEngine.Numerics;

/// <summary>A position size in base units (always stored as a magnitude; the side is kept separately).</summary>
/// <remarks>Scale: 1 unit = 10^-8 (raw 100_000_000 = 1). Arithmetic is checked: overflow throws, it never wraps.
/// The members (raw value, operators, equality, comparison, parse, format) are generated from
/// <see cref="FixedPointAttribute"/> by engine/LiquidationEngine.Generators; docs/ARCHITECTURE.md, "Numerics".</remarks>
[FixedPoint(decimals: 8)]
public readonly partial struct Quantity;
