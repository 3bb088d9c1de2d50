using System.Globalization;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;
using LiquidationEngine.Pipeline;
using LiquidationEngine.State;

namespace LiquidationEngine.Persistence;

/// <summary>What a journal replay produced.</summary>
public sealed class JournalReplayResult
{
    /// <summary>Inputs applied.</summary>
    public long Inputs { get; init; }

    /// <summary>Mark ticks applied.</summary>
    public long Ticks { get; init; }

    /// <summary>Rejected inputs.</summary>
    public long Rejects { get; init; }

    /// <summary>Liquidation and ADL orders, in event order, exactly as the engine emitted them.</summary>
    public required IReadOnlyList<EngineEvent> Orders { get; init; }

    /// <summary>Ring sequence of the last input, or -1.</summary>
    public long LastSequence { get; init; }

    /// <summary>State hash after the last input.</summary>
    public ulong FinalStateHash { get; init; }

    /// <summary>Ring sequence the replay started after (-1 from genesis, else the snapshot's).</summary>
    public long StartedAfter { get; init; }

    /// <summary>Bytes of a torn tail that were ignored.</summary>
    public long TornBytes { get; init; }
}

/// <summary>
/// <c>liqengine replay --journal &lt;dir&gt;</c>: replays a journal deterministically through the writer's code path —
/// the recorded ticks and commands give the identical orders — and prints the orders, a summary and the final state hash.
/// </summary>
public static class JournalReplay
{
    /// <summary>Replays the journal in <paramref name="journalDirectory"/>.</summary>
    /// <param name="journalDirectory">A journal directory (or a daemon data directory holding <c>journal/</c>).</param>
    /// <param name="catalog">The catalog the journal was written with.</param>
    /// <param name="output">Where to print; null prints nothing.</param>
    /// <param name="printOrders">Print one line per order.</param>
    /// <param name="snapshotDirectory">Where to find the starting snapshot when the journal's oldest segments were pruned
    /// (defaults to <c>../snapshots</c> beside the journal).</param>
    /// <exception cref="InvalidDataException">The journal is corrupt, or it was pruned and no snapshot matches its start.</exception>
    public static JournalReplayResult Run(string journalDirectory, InstrumentCatalog catalog, TextWriter? output, bool printOrders = true, string? snapshotDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(journalDirectory);
        ArgumentNullException.ThrowIfNull(catalog);
        if (Directory.Exists(Path.Combine(journalDirectory, "journal")))
        {
            journalDirectory = Path.Combine(journalDirectory, "journal");
        }

        IReadOnlyList<JournalSegment> segments = JournalReader.Segments(journalDirectory);
        if (segments.Count == 0)
        {
            throw new InvalidDataException($"{journalDirectory}: no journal segments (journal-*.lqj)");
        }

        JournalSegmentHeader first = segments[0].Header;
        if (first.InstrumentCount != catalog.Count || first.AssetCount != catalog.Assets.Count)
        {
            throw new InvalidDataException($"the journal was written with {first.InstrumentCount} instruments and {first.AssetCount} assets; the catalog has {catalog.Count} and {catalog.Assets.Count}");
        }

        EngineState state;
        if (first.FirstSequence == 0)
        {
            state = new EngineState(catalog, first.PositionCapacity, first.AccountCapacity, first.OpenOrderCapacity);
        }
        else
        {
            string dir = snapshotDirectory ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(journalDirectory))!, "snapshots");
            SnapshotFile? start = Directory.Exists(dir) ? new SnapshotStore(dir).List().Where(s => s.Sequence == first.FirstSequence - 1).Cast<SnapshotFile?>().FirstOrDefault() : null;
            if (start is null)
            {
                throw new InvalidDataException($"the journal starts at sequence {first.FirstSequence}; replaying it needs snapshot {SnapshotStore.FileName(first.FirstSequence - 1)} in {dir}");
            }

            state = SnapshotStore.Load(start.Value, catalog, first.PositionCapacity, first.AccountCapacity, first.OpenOrderCapacity);
        }

        long startedAfter = state.LastSequence;
        var sink = new OrderCollector();
        var core = new EngineCore(state, sink);
        var scan = new JournalScan();
        long inputs = 0;
        long rejects = 0;
        foreach (JournalEntry entry in JournalReader.Read(journalDirectory, state.LastSequence, scan, repair: false))
        {
            EngineCommand c = entry.Command;
            if (core.Apply(ref c, entry.Sequence) != RejectReason.None)
            {
                rejects++;
            }

            inputs++;
        }

        ulong hash = StateHasher.Compute(state);
        if (output is not null)
        {
            if (printOrders)
            {
                foreach (EngineEvent o in sink.Orders)
                {
                    output.WriteLine(Describe(o, catalog));
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"replayed {inputs} inputs (sequences {startedAfter + 1}..{state.LastSequence}): {core.Ticks} ticks, {core.Commands} commands, {rejects} rejects, {sink.Orders.Count} orders"));
            if (scan.TornBytes > 0)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ignored a torn tail of {scan.TornBytes} bytes in {scan.TornSegment}"));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"final state hash {hash:x16}"));
        }

        return new JournalReplayResult
        {
            Inputs = inputs,
            Ticks = core.Ticks,
            Rejects = rejects,
            Orders = sink.Orders,
            LastSequence = state.LastSequence,
            FinalStateHash = hash,
            StartedAfter = startedAfter,
            TornBytes = scan.TornBytes,
        };
    }

    /// <summary>One line describing an order event.</summary>
    public static string Describe(in EngineEvent o, InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        string symbol = (uint)o.Instrument < (uint)catalog.Count ? catalog[o.Instrument].Symbol : o.Instrument.ToString(CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"event {o.EventSequence} input {o.InputSequence} {o.Kind} {o.OrderKind} order {o.OrderId} {symbol} account {o.Account} position {o.PositionId} {(o.Side > 0 ? "buy" : "sell")} {FixedPoint.Format(o.Quantity, 8)} limit {FixedPoint.Format(o.Price, 8)} mark {FixedPoint.Format(o.TriggerMark, 8)}");
    }

    private sealed class OrderCollector : IEngineEventSink
    {
        public List<EngineEvent> Orders { get; } = [];

        public void Emit(in EngineEvent e)
        {
            if (e.Kind is EventKind.LiquidationOrder or EventKind.AdlOrder)
            {
                Orders.Add(e);
            }
        }
    }
}
