namespace LiquidationEngine.Contracts;

/// <summary>What an <see cref="EngineCommand"/> asks the writer to do. Values are part of the journal and wire format: never renumber.</summary>
public enum CommandKind : byte
{
    /// <summary>Unused slot; rejected.</summary>
    None = 0,

    /// <summary>A mark price for one instrument: <see cref="EngineCommand.Price"/>.</summary>
    MarkTick = 1,

    /// <summary>Credit <see cref="EngineCommand.Amount"/> of asset <see cref="EngineCommand.Asset"/> to the account's main balance.</summary>
    Deposit = 2,

    /// <summary>Debit the main balance; never reaches isolated margin.</summary>
    Withdraw = 3,

    /// <summary>A user trade fill on the isolated position of (account, instrument): opens, increases, reduces or closes it.
    /// <see cref="EngineCommand.Side"/> is +1 buy / -1 sell; <see cref="EngineCommand.Leverage"/> applies on open;
    /// <see cref="EngineCommand.Fee"/> is the trading fee charged to the block; <see cref="EngineCommand.MarginMode"/>
    /// must be isolated (a cross fill is rejected: it belongs to the cross engine).</summary>
    TradeFill = 4,

    /// <summary>Move <see cref="EngineCommand.Amount"/> from main to the block.</summary>
    AddMargin = 5,

    /// <summary>Move <see cref="EngineCommand.Amount"/> from the block to main, within the max removable.</summary>
    RemoveMargin = 6,

    /// <summary>Change leverage to <see cref="EngineCommand.Leverage"/>, optionally moving <see cref="EngineCommand.Amount"/> from main in the same step.</summary>
    SetLeverage = 7,

    /// <summary>Settle funding on an instrument at <see cref="EngineCommand.Rate"/> and <see cref="EngineCommand.Price"/>.</summary>
    FundingSettlement = 8,

    /// <summary>The matching engine filled <see cref="EngineCommand.Quantity"/> of liquidation/ADL order <see cref="EngineCommand.OrderId"/> at <see cref="EngineCommand.Price"/>.</summary>
    LiquidationFill = 9,

    /// <summary>The rest of liquidation order <see cref="EngineCommand.OrderId"/> was not filled.</summary>
    LiquidationNoFill = 10,

    /// <summary>Deposit into the insurance fund of <see cref="EngineCommand.Asset"/> (venue top-up).</summary>
    InsuranceDeposit = 11,

    /// <summary>The cross engine reports the margin its positions and orders use, <see cref="EngineCommand.Amount"/> ≥ 0,
    /// for (account, <see cref="EngineCommand.Asset"/>). Replaces the previous report (latest wins), so resending is harmless.</summary>
    CrossUsage = 12,

    /// <summary>Write a snapshot at this sequence (daemon only; a no-op for state).</summary>
    Snapshot = 20,

    /// <summary>Reply with the state of position (account, instrument) or, if <see cref="EngineCommand.OrderId"/> is set, position id OrderId.</summary>
    QueryPosition = 21,

    /// <summary>Reply with the account's main balances.</summary>
    QueryAccount = 22,

    /// <summary>Reply with the state hash at this sequence.</summary>
    QueryStateHash = 23,
}

/// <summary>Which inputs the journal keeps.</summary>
public static class CommandKindExtensions
{
    /// <summary>False for queries: they pass through the ring for a consistent view but change nothing, so a replay
    /// does not need them, and they leave gaps in the journal's sequence chain (docs/OPERATIONS.md).</summary>
    public static bool IsJournaled(this CommandKind kind) => kind is not (CommandKind.QueryPosition or CommandKind.QueryAccount or CommandKind.QueryStateHash);
}
