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

    /// <summary>Wall time taken.</summary>
    public TimeSpan Elapsed { get; init; }
}

/// <summary>
/// Restart: load the newest valid snapshot, then replay the journal tail through <see cref="EngineCore.Apply"/> —
/// the writer's own code path — in sequence order. A torn tail record is truncated. Events from the replay go to a
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
    public static RecoveryResult Recover(InstrumentCatalog catalog, string snapshotDirectory, string journalDirectory, EngineOptions options, IEngineEventSink sink, bool rebuildOrderLogFromOlderSnapshot = true)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        long start = Stopwatch.GetTimestamp();
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
                    if (entry.Sequence > state.LastSequence || entry.Sequence != scratch.LastSequence + 1)
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

        // The tail's events join the window at the configured size, so the next snapshot carries them too.
        state.OrderWindow.Resize(options.OrderWindowCapacity);
        var tail = new JournalScan();
        var writer = new EngineCore(state, sink);
        long replayed = 0;
        foreach (JournalEntry entry in JournalReader.Read(journalDirectory, state.LastSequence, tail, repair: true))
        {
            if (entry.Sequence != state.LastSequence + 1)
            {
                throw new InvalidDataException($"journal resumes at sequence {entry.Sequence} but the state is at {state.LastSequence} (missing journal records)");
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
            StateHash = StateHasher.Compute(state),
            Elapsed = Stopwatch.GetElapsedTime(start),
        };
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
