namespace LiquidationEngine.Instruments;

/// <summary>Which bracket a notional exactly on a cap belongs to.</summary>
/// <remarks>Binance writes its brackets as "floor &lt; notional ≤ cap"; Bybit's risk limits and OKX's tiers also
/// include the cap. Maintenance margin is continuous at a cap (the cum recursion), so the choice changes the max
/// leverage, the size limit and the partial-liquidation target at a cap, never the MM value itself.</remarks>
public enum BracketBoundary : byte
{
    /// <summary>floor &lt; notional ≤ cap: the cap belongs to the lower bracket (Binance, Bybit, OKX). The default.</summary>
    CapInclusive = 0,

    /// <summary>floor ≤ notional &lt; cap: the cap starts the next bracket.</summary>
    FloorInclusive = 1,
}
