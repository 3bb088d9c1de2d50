using System.Runtime.InteropServices;

namespace LiquidationEngine.Contracts;

/// <summary>One output of the writer: an ack/reject, a liquidation or ADL order, a settlement report or a query reply.
/// The output ring's pre-allocated entry.</summary>
/// <remarks>
/// <para>Money, price and quantity fields are raw fixed-point integers (10^-8). A liquidation price of
/// <see cref="NoPrice"/> means "none": the position cannot be liquidated by price alone.</para>
/// <para>The entry is flat so the ring never allocates, and a few fields carry another meaning in some kinds. Those
/// meanings have names: write and read them through the named accessors of each kind (<see cref="FundBalance"/>,
/// <see cref="CauseOrderId"/>, <see cref="StateHash"/> …), never through the field they happen to occupy.</para>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct EngineEvent
{
    /// <summary>Sentinel for "no price" (e.g. no liquidation price).</summary>
    public const long NoPrice = long.MinValue;

    /// <summary>What this event is.</summary>
    public EventKind Kind;

    /// <summary>Full, partial or ADL for orders and settlements.</summary>
    public OrderKind OrderKind;

    /// <summary>Order side: +1 buy, -1 sell (the side that closes the position). For position state: the position side.</summary>
    public sbyte Side;

    /// <summary>Reject reason, or why a position has no liquidation price.</summary>
    public RejectReason Reason;

    /// <summary>Settlement asset index (account balances, settlements).</summary>
    public short Asset;

    /// <summary>Instrument index.</summary>
    public int Instrument;

    /// <summary>The connection the causing command came from (0 = in-process).</summary>
    public int SourceId;

    /// <summary>Echo of the causing command's client sequence.</summary>
    public long ClientSequence;

    /// <summary>Input-ring sequence of the command that caused this event; the journal must hold it before the event is released.</summary>
    public long InputSequence;

    /// <summary>Engine order id (deterministic: a counter in ring order).</summary>
    public long OrderId;

    /// <summary>Position id.</summary>
    public long PositionId;

    /// <summary>Account id.</summary>
    public long Account;

    /// <summary>Order quantity, or signed position size in a position reply, or filled quantity in a settlement.</summary>
    public long Quantity;

    /// <summary>Order limit (the bankruptcy price), or fill price in a settlement.</summary>
    public long Price;

    /// <summary>The mark that triggered the order.</summary>
    public long TriggerMark;

    /// <summary>Engine output sequence of broadcast events (orders, settlements, funding), deterministic across replays; 0 on replies.</summary>
    public long EventSequence;

    /// <summary>Event time of the causing input, µs since the Unix epoch.</summary>
    public long TimestampUs;

    /// <summary>Block margin M (funding applied) in a position reply. Also holds <see cref="Balance"/>,
    /// <see cref="StateHash"/>, <see cref="FundBalance"/>, <see cref="CounterpartyPnl"/> and <see cref="FundingRate"/>.</summary>
    public long Margin;

    /// <summary>Equity at mark (position reply). Also holds <see cref="RealisedPnl"/> and <see cref="CauseOrderId"/>.</summary>
    public long Equity;

    /// <summary>Maintenance margin at mark (position reply). Also holds <see cref="LiquidationFee"/>.</summary>
    public long MaintenanceMargin;

    /// <summary>Liquidation price or <see cref="NoPrice"/> (position reply). Also holds <see cref="FundDelta"/>.</summary>
    public long LiquidationPrice;

    /// <summary>Bankruptcy price (position reply and orders).</summary>
    public long BankruptcyPrice;

    /// <summary>Margin ratio MM/equity, rate raw (10^-10), or long.MaxValue when equity ≤ 0.</summary>
    public long MarginRatio;

    /// <summary>Entry price (position reply).</summary>
    public long EntryPrice;

    /// <summary>Max removable margin (position reply).</summary>
    public long MaxRemovable;

    /// <summary>Leverage (position reply).</summary>
    public int Leverage;

    /// <summary>Position status (position reply).</summary>
    public byte Status;

    /// <summary><see cref="EventKind.AccountBalance"/>: the main balance of <see cref="Asset"/>, raw money.</summary>
    public long Balance
    {
        readonly get => Margin;
        set => Margin = value;
    }

    /// <summary><see cref="EventKind.AccountBalance"/>: the margin the cross engine last reported in use, raw money.</summary>
    public long CrossUsage
    {
        readonly get => Equity;
        set => Equity = value;
    }

    /// <summary><see cref="EventKind.AccountBalance"/>: available to isolated opens, add-margin and withdrawals:
    /// main balance − cross usage (may be negative), raw money.</summary>
    public long Available
    {
        readonly get => MaintenanceMargin;
        set => MaintenanceMargin = value;
    }

    /// <summary><see cref="EventKind.StateHash"/>: the state hash at <see cref="InputSequence"/>.</summary>
    public ulong StateHash
    {
        readonly get => (ulong)Margin;
        set => Margin = (long)value;
    }

    /// <summary><see cref="EventKind.FundingApplied"/>: the funding rate settled, raw rate (10^-10).</summary>
    public long FundingRate
    {
        readonly get => Margin;
        set => Margin = value;
    }

    /// <summary><see cref="EventKind.LiquidationSettled"/>: realised PnL of the liquidated block, raw money.</summary>
    public long RealisedPnl
    {
        readonly get => Equity;
        set => Equity = value;
    }

    /// <summary><see cref="EventKind.LiquidationSettled"/>: liquidation fee charged to the block, raw money.</summary>
    public long LiquidationFee
    {
        readonly get => MaintenanceMargin;
        set => MaintenanceMargin = value;
    }

    /// <summary><see cref="EventKind.LiquidationSettled"/>: the insurance fund's change over the whole settlement, ADL
    /// included, raw money.</summary>
    public long FundDelta
    {
        readonly get => LiquidationPrice;
        set => LiquidationPrice = value;
    }

    /// <summary><see cref="EventKind.LiquidationSettled"/>: the insurance fund's balance after the settlement, raw money
    /// (negative = bad debt).</summary>
    public long FundBalance
    {
        readonly get => Margin;
        set => Margin = value;
    }

    /// <summary><see cref="EventKind.AdlOrder"/>: the liquidation order whose no-fill caused this deleverage.</summary>
    public long CauseOrderId
    {
        readonly get => Equity;
        set => Equity = value;
    }

    /// <summary><see cref="EventKind.AdlOrder"/>: the counterparty's realised PnL from the deleverage, raw money.</summary>
    public long CounterpartyPnl
    {
        readonly get => Margin;
        set => Margin = value;
    }

    /// <summary>Resets everything but the header (source, client sequence, input sequence, time), so one event
    /// template can describe several outputs of one input.</summary>
    public void ClearPayload()
    {
        int source = SourceId;
        long client = ClientSequence;
        long input = InputSequence;
        long time = TimestampUs;
        this = default;
        SourceId = source;
        ClientSequence = client;
        InputSequence = input;
        TimestampUs = time;
    }
}
