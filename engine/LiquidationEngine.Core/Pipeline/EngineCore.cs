using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Ledger;
using LiquidationEngine.Liquidation;
using LiquidationEngine.Risk;
using LiquidationEngine.State;

namespace LiquidationEngine.Pipeline;

/// <summary>
/// The single writer's logic: applies one <see cref="EngineCommand"/> at a time, in ring order, to
/// <see cref="EngineState"/>, and emits the resulting events. The ring handler, recovery and tests all call
/// <see cref="Apply"/>, so there is one code path for every way the engine runs.
/// </summary>
/// <remarks>Deterministic: the same commands in the same order give the same state (see <see cref="StateHasher"/>)
/// and the same events, with the same order ids and event sequences.</remarks>
public sealed class EngineCore : IEngineEventSink
{
    private readonly IEngineEventSink _sink;
    private EngineEvent _event;

    /// <summary>Creates the writer logic over a state, emitting to <paramref name="sink"/>.</summary>
    public EngineCore(EngineState state, IEngineEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(sink);
        State = state;
        _sink = sink;
        Ledger = new IsolatedMarginLedger(state);
        Liquidations = new LiquidationProcessor(state);
    }

    /// <summary>The state this core writes.</summary>
    public EngineState State { get; }

    /// <summary>User-facing ledger operations.</summary>
    public IsolatedMarginLedger Ledger { get; }

    /// <summary>Tick processing and liquidation settlement.</summary>
    public LiquidationProcessor Liquidations { get; }

    /// <summary>Called on the writer thread for a <see cref="CommandKind.Snapshot"/> command, with the state consistent at that sequence.</summary>
    public Action<EngineState, long>? SnapshotRequested { get; set; }

    /// <summary>Ticks applied.</summary>
    public long Ticks { get; private set; }

    /// <summary>Commands (non-tick inputs) applied.</summary>
    public long Commands { get; private set; }

    /// <summary>Rejections by reason.</summary>
    public long[] RejectsByReason { get; } = new long[64];

    /// <summary>Applies one input. Never throws for bad input: it rejects with a reason and changes nothing.</summary>
    public RejectReason Apply(ref EngineCommand c, long sequence)
    {
        c.Sequence = sequence;
        State.LastSequence = sequence;
        ref EngineEvent e = ref _event;
        e = default;
        e.SourceId = c.SourceId;
        e.ClientSequence = c.ClientSequence;
        e.InputSequence = sequence;
        e.TimestampUs = c.TimestampUs;
        RejectReason r;
        try
        {
            r = Dispatch(ref c, ref e);
        }
        catch (OverflowException)
        {
            r = RejectReason.Overflow;
        }

        if (r != RejectReason.None)
        {
            RejectsByReason[Math.Min((int)r, RejectsByReason.Length - 1)]++;
            e.ClearPayload();
            e.Kind = EventKind.Reject;
            e.Reason = r;
            e.Account = c.Account;
            e.Instrument = c.Instrument;
            Emit(e);
        }
        else if (c.SourceId != 0 && c.Kind is not (CommandKind.QueryPosition or CommandKind.QueryAccount or CommandKind.QueryStateHash))
        {
            e.ClearPayload();
            e.Kind = EventKind.Ack;
            e.Account = c.Account;
            e.Instrument = c.Instrument;
            Emit(e);
        }

        return r;
    }

    private RejectReason Dispatch(ref EngineCommand c, ref EngineEvent e)
    {
        switch (c.Kind)
        {
            case CommandKind.MarkTick:
                Ticks++;
                return Liquidations.OnTick(c.Instrument, c.Price, c.Sequence, c.TimestampUs, this, ref e);
            case CommandKind.Deposit:
                Commands++;
                return Ledger.Deposit(c.Account, c.Asset, c.Amount);
            case CommandKind.Withdraw:
                Commands++;
                return Ledger.Withdraw(c.Account, c.Asset, c.Amount);
            case CommandKind.TradeFill:
                Commands++;
                return Ledger.TradeFill(c.Account, c.Instrument, c.Side, c.Quantity, c.Price, c.Leverage, c.Fee, c.MarginMode);
            case CommandKind.AddMargin:
                Commands++;
                return Ledger.AddMargin(c.Account, c.Instrument, c.Amount);
            case CommandKind.RemoveMargin:
                Commands++;
                return Ledger.RemoveMargin(c.Account, c.Instrument, c.Amount);
            case CommandKind.SetLeverage:
                Commands++;
                return Ledger.SetLeverage(c.Account, c.Instrument, c.Leverage, c.Amount);
            case CommandKind.FundingSettlement:
                Commands++;
                RejectReason fr = Ledger.SettleFunding(c.Instrument, c.Rate, c.Price);
                if (fr == RejectReason.None)
                {
                    e.Kind = EventKind.FundingApplied;
                    e.Instrument = c.Instrument;
                    e.Price = c.Price;
                    e.FundingRate = c.Rate;
                    Emit(e);

                    // Funding alone can put a block in breach: check at the instrument's last mark (not the
                    // settlement's price, which may be older) so it is liquidated now, not at the next tick.
                    Liquidations.CheckAtCurrentMark(c.Instrument, this, ref e);
                }

                return fr;
            case CommandKind.LiquidationFill:
                Commands++;
                return Liquidations.OnFill(c.OrderId, c.Quantity, c.Price, this, ref e);
            case CommandKind.LiquidationNoFill:
                Commands++;
                return Liquidations.OnNoFill(c.OrderId, this, ref e);
            case CommandKind.InsuranceDeposit:
                Commands++;
                return Ledger.InsuranceDeposit(c.Asset, c.Amount);
            case CommandKind.CrossUsage:
                Commands++;
                return Ledger.ReportCrossUsage(c.Account, c.Asset, c.Amount);
            case CommandKind.Snapshot:
                SnapshotRequested?.Invoke(State, c.Sequence);
                e.Kind = EventKind.StateHash;
                e.StateHash = StateHasher.Compute(State);
                Emit(e);
                return RejectReason.None;
            case CommandKind.QueryPosition:
                return QueryPosition(ref c, ref e);
            case CommandKind.QueryAccount:
                return QueryAccount(ref c, ref e);
            case CommandKind.QueryStateHash:
                e.Kind = EventKind.StateHash;
                e.StateHash = StateHasher.Compute(State);
                Emit(e);
                return RejectReason.None;
            default:
                return RejectReason.UnknownCommand;
        }
    }

    private RejectReason QueryPosition(ref EngineCommand c, ref EngineEvent e)
    {
        int slot;
        if (c.Aux != 0)
        {
            slot = State.Positions.SlotOf(c.Aux);
        }
        else
        {
            if ((uint)c.Instrument >= (uint)State.Catalog.Count)
            {
                return RejectReason.UnknownInstrument;
            }

            int ix = State.Accounts.Find(c.Account);
            slot = ix < 0 ? PositionStore.Nil : State.Positions.Find(State.Accounts.PositionHead(ix), c.Instrument);
        }

        if (slot == PositionStore.Nil)
        {
            return RejectReason.UnknownPosition;
        }

        DescribePosition(slot, ref e);
        Emit(e);
        return RejectReason.None;
    }

    /// <summary>Fills a <see cref="EventKind.PositionState"/> event for a slot: margin, equity, MM, LP, BP, ratio.</summary>
    public void DescribePosition(int slot, ref EngineEvent e)
    {
        EngineState s = State;
        int instrument = s.Positions.Instrument[slot];
        Instrument inst = s.Catalog[instrument];
        RiskInputs p = s.Inputs(slot);
        long mark = s.Funding.Mark[instrument];
        long priceForRisk = mark > 0 ? mark : p.Entry;
        e.Kind = EventKind.PositionState;
        e.PositionId = s.Positions.PositionId(slot);
        e.Account = s.Accounts.IdOf(s.Positions.AccountIx[slot]);
        e.Instrument = instrument;
        e.Asset = (short)inst.SettlementAsset;
        e.Side = (sbyte)p.Side;
        e.Quantity = s.Positions.Size[slot];
        e.EntryPrice = p.Entry;
        e.Margin = p.Margin;
        e.Leverage = p.Leverage;
        e.Status = (byte)s.Positions.Status[slot];
        e.TriggerMark = mark;
        e.Equity = PositionRisk.Equity(p, priceForRisk);
        e.MaintenanceMargin = PositionRisk.MaintenanceMargin(p, inst, priceForRisk);
        e.MarginRatio = PositionRisk.MarginRatio(p, inst, priceForRisk);
        e.BankruptcyPrice = PositionRisk.BankruptcyPrice(p, inst.TickSize.Raw);
        e.MaxRemovable = mark > 0 ? PositionRisk.MaxRemovableMargin(p, inst, mark) : 0;
        if (PositionRisk.TryLiquidationPrice(p, inst, out long lp))
        {
            e.LiquidationPrice = lp;
        }
        else
        {
            e.LiquidationPrice = EngineEvent.NoPrice;
            e.Reason = RejectReason.None;
        }
    }

    private RejectReason QueryAccount(ref EngineCommand c, ref EngineEvent e)
    {
        int ix = State.Accounts.Find(c.Account);
        if (ix < 0)
        {
            return RejectReason.UnknownAccount;
        }

        for (int a = 0; a < State.Accounts.AssetCount; a++)
        {
            e.Kind = EventKind.AccountBalance;
            e.Account = c.Account;
            e.Asset = (short)a;
            e.Balance = State.Accounts.Main(ix, a);
            e.CrossUsage = State.Accounts.CrossUsage(ix, a);
            e.Available = State.Accounts.Available(ix, a);
            Emit(e);
        }

        for (int slot = State.Accounts.PositionHead(ix); slot != PositionStore.Nil; slot = State.Positions.NextInAccount[slot])
        {
            e.ClearPayload();
            DescribePosition(slot, ref e);
            Emit(e);
        }

        return RejectReason.None;
    }

    /// <summary>Stamps the event sequence on broadcast events and forwards to the sink.</summary>
    /// <remarks>Orders, settlements and funding events are numbered: clients resume from the last number they saw.
    /// Replies to one sender (acks, rejects, query answers) carry 0 and are matched by client sequence, so a
    /// rejected command changes no state at all.</remarks>
    public void Emit(in EngineEvent e)
    {
        EngineEvent copy = e;
        copy.EventSequence = e.Kind.IsBroadcast() ? ++State.LastEventSequence : 0;
        if (copy.EventSequence > 0)
        {
            State.OrderWindow.Append(copy);
        }

        _sink.Emit(copy);
    }
}
