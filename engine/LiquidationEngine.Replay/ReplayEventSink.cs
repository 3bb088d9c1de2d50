using HdrHistogram;
using System.Collections.Concurrent;
using System.Diagnostics;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;

namespace LiquidationEngine.Replay;

/// <summary>A liquidation order the replay saw, with what became of it; kept for the report.</summary>
public sealed class LiquidationRecord
{
    /// <summary>Engine order id.</summary>
    public long OrderId { get; init; }

    /// <summary>Full or partial.</summary>
    public OrderKind Kind { get; init; }

    /// <summary>Instrument index.</summary>
    public int Instrument { get; init; }

    /// <summary>Account id.</summary>
    public long Account { get; init; }

    /// <summary>Position id.</summary>
    public long PositionId { get; init; }

    /// <summary>Side of the liquidated position: +1 long, −1 short (the order closes it, so it has the other side).</summary>
    public int PositionSide { get; init; }

    /// <summary>Order quantity, raw.</summary>
    public long Quantity { get; init; }

    /// <summary>Limit = bankruptcy price, raw.</summary>
    public long BankruptcyPrice { get; init; }

    /// <summary>Triggering mark, raw.</summary>
    public long TriggerMark { get; init; }

    /// <summary>Feed time of the trigger, µs.</summary>
    public long TimestampUs { get; init; }

    /// <summary>Notional at the trigger mark, raw money.</summary>
    public long NotionalAtTrigger => (long)(Math.BigMul(Quantity, TriggerMark) / Numerics.Quantity.Scale);

    /// <summary>True once the settlement arrived.</summary>
    public bool Settled { get; set; }

    /// <summary>True if filled, false if taken over (no-fill).</summary>
    public bool Filled { get; set; }

    /// <summary>Fill price (or the bankruptcy price of a takeover), raw.</summary>
    public long SettlementPrice { get; set; }

    /// <summary>Fee charged, raw money.</summary>
    public long Fee { get; set; }

    /// <summary>Insurance fund delta of the settlement, raw money.</summary>
    public long FundDelta { get; set; }

    /// <summary>How the simulated matching engine answered.</summary>
    public string Execution { get; set; } = string.Empty;
}

/// <summary>A liquidation order waiting for the simulated matching engine's answer.</summary>
/// <param name="OrderId">Engine order id.</param>
/// <param name="Instrument">Instrument index.</param>
/// <param name="Side">Order side: +1 buy, −1 sell.</param>
/// <param name="Quantity">Order quantity, raw.</param>
/// <param name="Limit">Bankruptcy price, raw.</param>
/// <param name="TriggerMark">Triggering mark, raw.</param>
/// <param name="InputSequence">Ring sequence of the triggering tick.</param>
public readonly record struct PendingOrder(long OrderId, int Instrument, int Side, long Quantity, long Limit, long TriggerMark, long InputSequence);

/// <summary>A funding settlement the engine applied.</summary>
/// <param name="TimestampUs">Feed time, µs.</param>
/// <param name="Instrument">Instrument index.</param>
/// <param name="Rate">Rate, raw (10^-10).</param>
/// <param name="Price">Reference price, raw.</param>
public readonly record struct FundingMarker(long TimestampUs, int Instrument, long Rate, long Price);

/// <summary>
/// The replay's output sink, on the pipeline's output thread: writes the liquidations file, keeps the report's records
/// and counters, measures publish→event latency, hands new liquidation orders to the driver, and tells the driver when
/// the events of a given input have all been seen (every replay input is sent with a source id, so each gets exactly one
/// ack or reject, after all the events it caused).
/// </summary>
internal sealed class ReplayEventSink : IEngineEventSink
{
    /// <summary>Source id of the book's commands; their client sequence is the source line.</summary>
    public const int BookSource = 1;

    /// <summary>Source id of marks and funding; their client sequence is the Stopwatch timestamp at publish.</summary>
    public const int TickSource = 2;

    /// <summary>Source id of the simulated matching engine's reports; client sequence is the Stopwatch timestamp at publish.</summary>
    public const int ExecutionSource = 3;

    /// <summary>Source id of venue set-up commands (insurance top-ups).</summary>
    public const int SetupSource = 4;

    private readonly InstrumentCatalog _catalog;
    private readonly LiquidationLog? _log;
    private readonly ConcurrentDictionary<long, string> _executions;
    private readonly Dictionary<long, LiquidationRecord> _open = [];
    private readonly object _gate = new();
    private List<PendingOrder> _pending = [];
    private long _seenSequence = -1;

    public ReplayEventSink(InstrumentCatalog catalog, LiquidationLog? log, ConcurrentDictionary<long, string> executions, string bookSource)
    {
        _catalog = catalog;
        _log = log;
        _executions = executions;
        BookSourceName = bookSource;
        int assets = catalog.Assets.Count;
        Fees = new long[assets];
        SettlementFundDelta = new long[assets];
        LiquidatedNotional = new long[assets];
    }

    public string BookSourceName { get; }

    /// <summary>Publish → ack latency of ticks and execution reports, nanoseconds.</summary>
    public LongHistogram Latency { get; } = Latencies.Create();

    public List<LiquidationRecord> Liquidations { get; } = [];

    public List<FundingMarker> FundingEvents { get; } = [];

    public List<BookError> BookRejects { get; } = [];

    public long[] OrdersByKind { get; } = new long[4];

    public long Fills { get; private set; }

    public long Takeovers { get; private set; }

    public long TakeoverQuantity { get; private set; }

    public long[] Fees { get; }

    public long[] SettlementFundDelta { get; }

    public long[] LiquidatedNotional { get; }

    public long[] TickRejects { get; } = new long[64];

    public long ExecutionRejects { get; private set; }

    public long SetupRejects { get; private set; }

    public long Events { get; private set; }

    public void Emit(in EngineEvent e)
    {
        Events++;
        switch (e.Kind)
        {
            case EventKind.Ack:
                OnReply(e);
                break;
            case EventKind.Reject:
                OnReject(e);
                OnReply(e);
                break;
            case EventKind.LiquidationOrder:
                OnOrder(e);
                break;
            case EventKind.AdlOrder:
                OnAdl(e);
                break;
            case EventKind.LiquidationSettled:
                OnSettled(e);
                break;
            case EventKind.FundingApplied:
                FundingEvents.Add(new FundingMarker(e.TimestampUs, e.Instrument, e.FundingRate, e.Price));
                break;
            default:
                break;
        }
    }

    /// <summary>Takes the liquidation orders seen since the last call (driver thread).</summary>
    public List<PendingOrder> TakePending()
    {
        lock (_gate)
        {
            List<PendingOrder> taken = _pending;
            _pending = [];
            return taken;
        }
    }

    /// <summary>Blocks until the reply to input <paramref name="sequence"/> (and so every event before it) has been seen.</summary>
    /// <param name="sequence">The input's ring sequence.</param>
    /// <param name="timeout">Give up after this long.</param>
    /// <param name="fault">Polled about once a second: a pipeline stage's fault ends the wait with that exception.</param>
    public bool WaitFor(long sequence, TimeSpan timeout, Func<Exception?> fault)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            while (_seenSequence < sequence)
            {
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0)
                {
                    return false;
                }

                if (fault() is { } e)
                {
                    throw new InvalidOperationException($"the engine pipeline faulted: {e.Message}", e);
                }

                Monitor.Wait(_gate, TimeSpan.FromSeconds(Math.Min(1.0, (double)left / Stopwatch.Frequency)));
            }
        }

        return true;
    }

    private void OnReply(in EngineEvent e)
    {
        if (e.Kind == EventKind.Ack && e.SourceId is TickSource or ExecutionSource)
        {
            Latency.RecordElapsed(e.ClientSequence, Stopwatch.GetTimestamp());
        }

        lock (_gate)
        {
            if (e.InputSequence > _seenSequence)
            {
                _seenSequence = e.InputSequence;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private void OnReject(in EngineEvent e)
    {
        switch (e.SourceId)
        {
            case BookSource:
                BookRejects.Add(new BookError(BookSourceName, e.ClientSequence, BookErrorKind.EngineRejected, $"the engine rejected the row: {e.Reason}."));
                break;
            case TickSource:
                TickRejects[Math.Min((int)e.Reason, TickRejects.Length - 1)]++;
                break;
            case ExecutionSource:
                ExecutionRejects++;
                break;
            default:
                SetupRejects++;
                break;
        }
    }

    private void OnOrder(in EngineEvent e)
    {
        OrdersByKind[(int)e.OrderKind]++;
        var record = new LiquidationRecord
        {
            OrderId = e.OrderId,
            Kind = e.OrderKind,
            Instrument = e.Instrument,
            Account = e.Account,
            PositionId = e.PositionId,
            PositionSide = -e.Side,
            Quantity = e.Quantity,
            BankruptcyPrice = e.BankruptcyPrice,
            TriggerMark = e.TriggerMark,
            TimestampUs = e.TimestampUs,
        };
        Liquidations.Add(record);
        _open[e.OrderId] = record;
        _log?.Write(new LiquidationRow(
            LiquidationRowKind.Order, e.OrderKind, e.EventSequence, e.InputSequence, e.TimestampUs, e.OrderId, 0, e.PositionId, e.Account,
            e.Instrument, e.Side, e.Quantity, e.Price, e.BankruptcyPrice, e.TriggerMark, 0, 0, 0, string.Empty));
        lock (_gate)
        {
            _pending.Add(new PendingOrder(e.OrderId, e.Instrument, e.Side, e.Quantity, e.Price, e.TriggerMark, e.InputSequence));
        }
    }

    private void OnAdl(in EngineEvent e)
    {
        OrdersByKind[(int)OrderKind.Adl]++;
        _log?.Write(new LiquidationRow(
            LiquidationRowKind.Adl, OrderKind.Adl, e.EventSequence, e.InputSequence, e.TimestampUs, e.OrderId, e.CauseOrderId, e.PositionId, e.Account,
            e.Instrument, e.Side, e.Quantity, e.Price, e.BankruptcyPrice, e.TriggerMark, e.CounterpartyPnl, 0, 0, "adl"));
    }

    private void OnSettled(in EngineEvent e)
    {
        // Account, instrument and side come from the order: the settlement is emitted after the slot may have been freed.
        if (!_open.Remove(e.OrderId, out LiquidationRecord? order))
        {
            ExecutionRejects++;
            return;
        }

        _executions.TryRemove(e.OrderId, out string? execution);
        execution ??= string.Empty;
        bool filled = !execution.StartsWith("no-fill", StringComparison.Ordinal);
        int asset = _catalog[order.Instrument].SettlementAsset;
        long fee = e.LiquidationFee;
        long fundDelta = e.FundDelta;
        order.Settled = true;
        order.Filled = filled;
        order.SettlementPrice = e.Price;
        order.Fee = fee;
        order.FundDelta = fundDelta;
        order.Execution = execution;
        if (filled)
        {
            Fills++;
        }
        else
        {
            Takeovers++;
            TakeoverQuantity += e.Quantity;
        }

        Fees[asset] += fee;
        SettlementFundDelta[asset] += fundDelta;
        LiquidatedNotional[asset] += (long)(Math.BigMul(e.Quantity, e.Price) / Numerics.Quantity.Scale);
        _log?.Write(new LiquidationRow(
            filled ? LiquidationRowKind.Fill : LiquidationRowKind.Takeover, order.Kind, e.EventSequence, e.InputSequence, e.TimestampUs, e.OrderId, 0,
            order.PositionId, order.Account, order.Instrument, -order.PositionSide, e.Quantity, e.Price, order.BankruptcyPrice, order.TriggerMark,
            e.RealisedPnl, fee, fundDelta, execution));
    }

    /// <summary>Total reject count of ticks.</summary>
    public long TickRejectTotal => TickRejects.Sum();

    /// <summary>Tick rejects by reason, non-zero only.</summary>
    public IEnumerable<(RejectReason Reason, long Count)> TickRejectsByReason()
        => TickRejects.Select((c, i) => ((RejectReason)i, c)).Where(x => x.c != 0);
}
