namespace LiquidationEngine.Contracts;

/// <summary>Why a command was rejected. The state is unchanged whenever one of these is returned.
/// Values are part of the wire format: never renumber.</summary>
public enum RejectReason : ushort
{
    /// <summary>Accepted.</summary>
    None = 0,
    /// <summary>The command kind is unknown.</summary>
    UnknownCommand = 1,
    /// <summary>The instrument index is not in the catalog.</summary>
    UnknownInstrument = 2,
    /// <summary>The asset index is not configured.</summary>
    UnknownAsset = 3,
    /// <summary>No isolated position for (account, instrument), or no such position id.</summary>
    UnknownPosition = 4,
    /// <summary>The account has never been seen.</summary>
    UnknownAccount = 5,
    /// <summary>A price is zero, negative, or off the tick grid.</summary>
    InvalidPrice = 6,
    /// <summary>A quantity is zero, negative, or off the lot grid.</summary>
    InvalidQuantity = 7,
    /// <summary>An amount is zero or negative.</summary>
    InvalidAmount = 8,
    /// <summary>Leverage below 1 or above the bracket's max at the resulting notional.</summary>
    InvalidLeverage = 9,
    /// <summary>The available balance (main balance − reported cross usage) does not cover the transfer or withdrawal.</summary>
    InsufficientBalance = 10,
    /// <summary>The block would not meet its initial margin.</summary>
    InsufficientMargin = 11,
    /// <summary>Margin may be removed only while unrealised PnL is positive.</summary>
    RemoveMarginWithoutProfit = 12,
    /// <summary>The amount exceeds max(0, min(M − MM, M + uPnL − IM at mark)).</summary>
    RemoveMarginAboveMax = 13,
    /// <summary>The position is being liquidated; user commands are frozen.</summary>
    PositionLiquidating = 14,
    /// <summary>An opposite-side fill larger than the isolated position (flips are not netted here).</summary>
    FillExceedsPosition = 15,
    /// <summary>The resulting notional is above the last bracket's cap.</summary>
    NotionalAboveLimit = 16,
    /// <summary>No open liquidation order with that id.</summary>
    UnknownOrder = 17,
    /// <summary>A liquidation fill for more than the order's open quantity.</summary>
    FillExceedsOrder = 18,
    /// <summary>No mark price yet for the instrument; risk cannot be evaluated.</summary>
    NoMarkPrice = 19,
    /// <summary>The side is not +1 or -1.</summary>
    InvalidSide = 20,
    /// <summary>Arithmetic would overflow 64 bits.</summary>
    Overflow = 21,
    /// <summary>The position capacity is exhausted.</summary>
    CapacityExhausted = 22,
    /// <summary>The command would leave the position in breach of maintenance margin.</summary>
    WouldBreachMaintenance = 23,
    /// <summary>A funding rate outside ±100%.</summary>
    InvalidRate = 24,
    /// <summary>The requested leverage equals the position's current leverage (send add-margin to top up).</summary>
    LeverageUnchanged = 25,
    /// <summary>A fill marked cross: cross positions belong to the cross engine, never to this one.</summary>
    CrossFill = 26,
    /// <summary>A margin mode other than 0 (isolated) or 1 (cross).</summary>
    InvalidMarginMode = 27,
    /// <summary>An amount moved to or from main with more decimals than its asset has (USDC: 6).</summary>
    FinerThanAssetPrecision = 28,
}
