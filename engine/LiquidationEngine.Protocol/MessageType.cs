using LiquidationEngine.Contracts;

namespace LiquidationEngine.Protocol;

/// <summary>The type byte of a gateway frame. Wire values (docs/PROTOCOL.md): never renumber.</summary>
/// <remarks>Inbound command types equal their <see cref="Contracts.CommandKind"/>; outbound engine events are
/// <c>0x80 | </c><see cref="Contracts.EventKind"/>; session messages sit apart from both.</remarks>
public enum MessageType : byte
{
    /// <summary>Inbound: a mark price for one instrument.</summary>
    MarkTick = 0x01,

    /// <summary>Inbound: credit an account's main balance.</summary>
    Deposit = 0x02,

    /// <summary>Inbound: debit an account's main balance.</summary>
    Withdraw = 0x03,

    /// <summary>Inbound: a user trade fill (open, increase, reduce or close the isolated position).</summary>
    TradeFill = 0x04,

    /// <summary>Inbound: move margin from main into the block.</summary>
    AddMargin = 0x05,

    /// <summary>Inbound: move margin from the block back to main.</summary>
    RemoveMargin = 0x06,

    /// <summary>Inbound: change leverage, optionally topping the block up from main.</summary>
    SetLeverage = 0x07,

    /// <summary>Inbound: settle funding on an instrument.</summary>
    FundingSettlement = 0x08,

    /// <summary>Inbound: the matching engine filled (part of) a liquidation or ADL order.</summary>
    LiquidationFill = 0x09,

    /// <summary>Inbound: the rest of a liquidation order was not filled.</summary>
    LiquidationNoFill = 0x0A,

    /// <summary>Inbound: a venue top-up of an insurance fund.</summary>
    InsuranceDeposit = 0x0B,

    /// <summary><see cref="Contracts.CommandKind.CrossUsage"/>.</summary>
    CrossUsage = 0x0C,

    /// <summary>Inbound: query one position.</summary>
    QueryPosition = 0x15,

    /// <summary>Inbound: query an account's balances and positions.</summary>
    QueryAccount = 0x16,

    /// <summary>Inbound: query the engine's state hash.</summary>
    QueryStateHash = 0x17,

    /// <summary>Inbound, first frame of every connection: resume point and optional shared secret.</summary>
    Hello = 0x30,

    /// <summary>Inbound, any time after Hello: keeps an idle connection open; answered by <see cref="HeartbeatAck"/>.</summary>
    Heartbeat = 0x31,

    /// <summary>Outbound: the command was applied.</summary>
    Ack = 0x81,

    /// <summary>Outbound: the command was rejected, with a reason; state unchanged.</summary>
    Reject = 0x82,

    /// <summary>Outbound, to every client: a liquidation order.</summary>
    LiquidationOrder = 0x83,

    /// <summary>Outbound, to every client: an auto-deleverage order.</summary>
    AdlOrder = 0x84,

    /// <summary>Outbound: reply to <see cref="QueryPosition"/> (and part of a <see cref="QueryAccount"/> reply).</summary>
    PositionState = 0x85,

    /// <summary>Outbound: one main balance of a <see cref="QueryAccount"/> reply.</summary>
    AccountBalance = 0x86,

    /// <summary>Outbound: reply to <see cref="QueryStateHash"/>.</summary>
    StateHash = 0x87,

    /// <summary>Outbound, to every client: a liquidation or ADL order was settled (fill or no-fill).</summary>
    LiquidationSettled = 0x88,

    /// <summary>Outbound: a funding settlement was applied.</summary>
    FundingApplied = 0x89,

    /// <summary>Outbound reply to <see cref="Hello"/>: the connection's source id and the resume window.</summary>
    Welcome = 0xA0,

    /// <summary>Outbound reply to <see cref="Heartbeat"/>, echoing its token.</summary>
    HeartbeatAck = 0xA1,

    /// <summary>Outbound: a frame was rejected or the connection is being closed; carries a <see cref="ProtocolError"/>.</summary>
    Error = 0xAF,
}
