using System.Diagnostics;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Pipeline;
using LiquidationEngine.State;

namespace LiquidationEngine.Persistence;

/// <summary>What recovery found and did.</summary>
public sealed class RecoveryResult
{
    /// <summary>The recovered state, to hand to the pipeline (<c>recovered:</c>).</summary>
    public required EngineState State { get; init; }

    /// <summary>The snapshot loaded, or null when recovery started from an empty state.</summary>
    public SnapshotFile? Snapshot { get; init; }

    /// <summary>Snapshots that failed to load (torn or corrupt), newest first, with why.</summary>
    public IReadOnlyList<string> RejectedSnapshots { get; init; } = [];

    /// <summary>Journal records applied after the snapshot.</summary>
    public long Replayed { get; init; }

    /// <summary>Journal records replayed before the snapshot only to rebuild the order log.</summary>
    public long ReplayedForOrderLog { get; init; }

    /// <summary>Bytes of a torn journal tail that were truncated.</summary>
    public long TruncatedBytes { get; init; }

    /// <summary>The segment that had a torn tail, if any.</summary>
    public string? TruncatedSegment { get; init; }

    /// <summary>Ring sequence of the last applied input (-1 when none): the pipeline continues at the next one.</summary>
    public long LastSequence => State.LastSequence;

    /// <summary>Every order and settlement with an event sequence above this was re-emitted to the sink.</summary>
    public long OrdersCompleteAfter { get; init; }

    /// <summary>The state hash after recovery.</summary>
    public ulong StateHash { get; init; }

    /// <summary>What a requested journal repair did, one line per action (empty when none was asked or needed).</summary>
    public IReadOnlyList<string> Repairs { get; init; } = [];

    /// <summary>Wall time taken.</summary>
    public TimeSpan Elapsed { get; init; }
}

/// <summary>
/// Restart: load the newest valid snapshot, then replay the journal tail through <see cref="EngineCore.Apply"/> —
/// the writer's own code path — in sequence order. A torn tail (a partial record) is cut off; damage stops recovery
/// unless a repair was asked. Events from the replay go to a
/// sink so the gateway's order log knows every order the journal can reproduce.
/// </summary>
public static class EngineRecovery
{
    /// <summary>Recovers the engine state from a data directory.</summary>
    /// <param name="catalog">The instrument catalog (must match the snapshot's shape).</param>
    /// <param name="snapshotDirectory">Where snapshots are.</param>
    /// <param name="journalDirectory">Where journal segments are.</param>
    /// <param name="options">Capacities for an empty start and the minimum after a snapshot.</param>
    /// <param name="sink">Receives every event the replay emits, in order (the order log takes orders and settlements).</param>
    /// <param name="rebuildOrderLogFromOlderSnapshot">Also replay from the previous snapshot to the latest one into a scratch
    /// state, only to re-emit the orders of that window, so clients can resume across the latest snapshot.</param>
    /// <param name="repairJournal">Repair journal damage first (<see cref="JournalRepair.Repair"/>) instead of
    /// throwing <see cref="JournalDamageException"/>.</param>
    /// <exception cref="JournalDamageException">The journal is damaged (not a torn tail) and no repair was asked.</exception>
    /// <exception cref="CatalogMismatchException">A snapshot or journal segment was written with a catalog whose ids
    /// meant something else.</exception>
    public static RecoveryResult Recover(InstrumentCatalog catalog, string snapshotDirectory, string journalDirectory, EngineOptions options, IEngineEventSink sink, bool rebuildOrderLogFromOlderSnapshot = true, bool repairJournal = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        long start = Stopwatch.GetTimestamp();
        IReadOnlyList<string> repairs = repairJournal ? JournalRepair.Repair(journalDirectory, SegmentHeader(catalog, options)) : [];
        var store = new SnapshotStore(snapshotDirectory);
        var rejected = new List<string>();
        var loaded = new List<(SnapshotFile File, EngineState State)>();
        foreach (SnapshotFile file in store.List())
        {
            try
            {
                loaded.Add((file, SnapshotStore.Load(file, catalog, options.PositionCapacity, options.AccountCapacity, options.OpenOrderCapacity)));
                if (loaded.Count == 2 || !rebuildOrderLogFromOlderSnapshot)
                {
                    break;
                }
            }
            catch (InvalidDataException ex)
            {
                rejected.Add($"{file.Path}: {ex.Message}");
            }
        }

        EngineState state;
        SnapshotFile? snapshot = null;
        long ordersCompleteAfter = 0;
        long forLog = 0;
        if (loaded.Count == 0)
        {
            state = new EngineState(catalog, options.PositionCapacity, options.AccountCapacity, options.OpenOrderCapacity);
        }
        else
        {
            state = loaded[0].State;
            snapshot = loaded[0].File;
            ordersCompleteAfter = state.LastEventSequence;
            if (state.OrderWindow.Capacity > 0)
            {
                // The snapshot carries the newest numbered events itself: no older snapshot is needed.
                ordersCompleteAfter = state.OrderWindow.CompleteAfter;
                foreach (EngineEvent e in state.OrderWindow.Events())
                {
                    sink.Emit(e);
                }
            }
            else if (loaded.Count == 2)
            {
                // Re-emit the orders between the two snapshots from a scratch copy; the real state is untouched.
                // The events are forwarded only if the scratch run lands exactly on the latest snapshot's state.
                EngineState scratch = loaded[1].State;
                long olderEventSequence = scratch.LastEventSequence;
                var buffered = new BufferedSink();
                var core = new EngineCore(scratch, buffered);
                var scan = new JournalScan();
                foreach (JournalEntry entry in JournalReader.Read(journalDirectory, scratch.LastSequence, scan, repair: false))
                {
                    if (entry.Sequence > state.LastSequence || entry.Sequence <= scratch.LastSequence)
                    {
                        break;
                    }

                    EngineCommand c = entry.Command;
                    core.Apply(ref c, entry.Sequence);
                    forLog++;
                }

                if (scratch.LastSequence == state.LastSequence && StateHasher.Compute(scratch) == StateHasher.Compute(state))
                {
                    ordersCompleteAfter = olderEventSequence;
                    foreach (EngineEvent e in buffered.Events)
                    {
                        sink.Emit(e);
                    }
                }
            }
        }

        // After the snapshots: a snapshot's mismatch names the instruments; a segment header has only a hash.
        CheckJournalCatalog(catalog, journalDirectory);
        // The tail's events join the window at the configured size, so the next snapshot carries them too.
        state.OrderWindow.Resize(options.OrderWindowCapacity);
        var tail = new JournalScan();
        var writer = new EngineCore(state, sink);
        long replayed = 0;
        IReadOnlyList<JournalSegment> segments = JournalReader.Segments(journalDirectory);
        if (segments.Count > 0 && segments[0].Header.FirstSequence > state.LastSequence + 1)
        {
            throw new InvalidDataException($"the journal starts at sequence {segments[0].Header.FirstSequence} but the state is at {state.LastSequence} (missing journal records)");
        }

        foreach (JournalEntry entry in JournalReader.Read(journalDirectory, state.LastSequence, tail, repair: true))
        {
            if (entry.Sequence <= state.LastSequence)
            {
                throw new InvalidDataException($"journal record at sequence {entry.Sequence} but the state is already at {state.LastSequence}");
            }

            EngineCommand c = entry.Command;
            writer.Apply(ref c, entry.Sequence);
            replayed++;
        }

        return new RecoveryResult
        {
            State = state,
            Snapshot = snapshot,
            RejectedSnapshots = rejected,
            Replayed = replayed,
            ReplayedForOrderLog = forLog,
            TruncatedBytes = tail.TornBytes,
            TruncatedSegment = tail.TornSegment,
            OrdersCompleteAfter = ordersCompleteAfter,
            Repairs = repairs,
            StateHash = StateHasher.Compute(state),
            Elapsed = Stopwatch.GetElapsedTime(start),
        };
    }

    /// <summary>The header a journal writer of this catalog and these options puts on each segment (its first
    /// sequence is set per segment).</summary>
    public static JournalSegmentHeader SegmentHeader(InstrumentCatalog catalog, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new JournalSegmentHeader(0, options.PositionCapacity, options.AccountCapacity, options.OpenOrderCapacity, catalog.Count, catalog.Assets.Count, CatalogFingerprint.Of(catalog).Hash(catalog.Assets.Count, catalog.Count));
    }

    /// <summary>Every version-2 segment's catalog hash must match this catalog over the counts the segment was written
    /// with: inputs name instruments and assets by id.</summary>
    private static void CheckJournalCatalog(InstrumentCatalog catalog, string journalDirectory)
    {
        CatalogFingerprint now = CatalogFingerprint.Of(catalog);
        foreach (JournalSegment segment in JournalReader.Segments(journalDirectory))
        {
            JournalSegmentHeader h = segment.Header;
            if (h.FormatVersion == 1)
            {
                continue;
            }

            if (h.InstrumentCount > catalog.Count || h.AssetCount > catalog.Assets.Count)
            {
                throw new CatalogMismatchException($"journal segment {segment.Path}", [$"it was written with {h.InstrumentCount} instruments and {h.AssetCount} assets, the catalog has {catalog.Count} and {catalog.Assets.Count}"]);
            }

            if (now.Hash(h.AssetCount, h.InstrumentCount) != h.CatalogHash)
            {
                throw new CatalogMismatchException($"journal segment {segment.Path}", [$"the symbol, settlement asset, tick, lot or brackets of one of its first {h.InstrumentCount} instruments or the code of one of its first {h.AssetCount} assets differ (catalog hash {h.CatalogHash:x16}, this catalog's {now.Hash(h.AssetCount, h.InstrumentCount):x16}); a snapshot, where there is one, names the instrument"]);
            }
        }
    }

    private sealed class BufferedSink : IEngineEventSink
    {
        public List<EngineEvent> Events { get; } = [];

        public void Emit(in EngineEvent e)
        {
            if (e.Kind.IsBroadcast())
            {
                Events.Add(e);
            }
        }
    }
}
