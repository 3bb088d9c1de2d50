namespace LiquidationEngine.Contracts;

/// <summary>What an <see cref="EngineEvent"/> on the output ring carries. Wire values: never renumber.</summary>
public enum EventKind : byte
{
    /// <summary>Unused.</summary>
    None = 0,
    /// <summary>The command was applied.</summary>
    Ack = 1,
    /// <summary>The command was rejected; <see cref="EngineEvent.Reason"/> says why; state unchanged.</summary>
    Reject = 2,
    /// <summary>A liquidation order (full or partial) for the matching engine.</summary>
    LiquidationOrder = 3,
    /// <summary>A deleverage order against an opposite-side position.</summary>
    AdlOrder = 4,
    /// <summary>Reply to <see cref="CommandKind.QueryPosition"/>.</summary>
    PositionState = 5,
    /// <summary>Reply to <see cref="CommandKind.QueryAccount"/>; one event per asset.</summary>
    AccountBalance = 6,
    /// <summary>Reply to <see cref="CommandKind.QueryStateHash"/> or a snapshot marker.</summary>
    StateHash = 7,
    /// <summary>A liquidation or ADL order was settled (fill or no-fill) — for reports.</summary>
    LiquidationSettled = 8,
    /// <summary>A funding settlement was applied to an instrument.</summary>
    FundingApplied = 9,
}

/// <summary>Facts about event kinds that every adapter needs.</summary>
public static class EventKinds
{
    /// <summary>True for events every client receives and that carry an event sequence: orders, settlements and
    /// funding. Replies to one sender (acks, rejects, query answers) carry 0 and are matched by client sequence.</summary>
    public static bool IsBroadcast(this EventKind kind)
        => kind is EventKind.LiquidationOrder or EventKind.AdlOrder or EventKind.LiquidationSettled or EventKind.FundingApplied;
}
