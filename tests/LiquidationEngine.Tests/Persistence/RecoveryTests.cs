using Xunit;
using LiquidationEngine.Contracts;
using LiquidationEngine.Persistence;
using LiquidationEngine.Pipeline;
using LiquidationEngine.State;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Persistence;

/// <summary>Restart = newest valid snapshot + journal tail, through the writer's own <see cref="EngineCore.Apply"/>.</summary>
public class RecoveryTests
{
    private static readonly EngineOptions Options = new() { PositionCapacity = 64, AccountCapacity = 16, OpenOrderCapacity = 64 };

    /// <summary>Runs the scenario as the daemon would: every input journaled, snapshots at the given sequences.</summary>
    private static (Engine Engine, List<EngineCommand> Commands) Run(Scenario.TempDir dir, int count, params long[] snapshotsAt)
    {
        var engine = new Engine(TestInstruments.Catalog(), positions: Options.PositionCapacity);
        JournalSegmentHeader header = EngineRecovery.SegmentHeader(engine.Catalog, Options);
        var store = new SnapshotStore(dir.Snapshots);
        List<EngineCommand> commands = Scenario.Commands().Take(count).ToList();
        using (var journal = new JournalWriter(dir.Journal, new JournalOptions { FsyncPolicy = FsyncPolicy.None }, header, 0))
        {
            for (int i = 0; i < commands.Count; i++)
            {
                journal.Append(commands[i], i);
                journal.Flush();
                engine.Apply(commands[i]);
                if (snapshotsAt.Contains(i))
                {
                    store.Persist(SnapshotStore.Serialize(engine.State, i), i);
                }
            }
        }

        return (engine, commands);
    }

    private static RecoveryResult Recover(Scenario.TempDir dir, EventLog sink)
        => EngineRecovery.Recover(TestInstruments.Catalog(), dir.Snapshots, dir.Journal, Options, sink);

    [Fact]
    public void Recovery_from_the_journal_alone_reproduces_the_state_hash_and_every_order()
    {
        using var dir = new Scenario.TempDir();
        (Engine original, _) = Run(dir, 200);

        var replayed = new EventLog();
        RecoveryResult r = Recover(dir, replayed);

        Assert.Null(r.Snapshot);
        Assert.Equal(200, r.Replayed);
        Assert.Equal(original.Hash(), r.StateHash);
        Assert.Equal(original.State.LastSequence, r.LastSequence);
        Assert.NotEmpty(replayed.OfKind(EventKind.LiquidationOrder));
        Assert.Equal(original.Log.Events.Where(e => e.Kind.IsBroadcast()), replayed.Events.Where(e => e.Kind.IsBroadcast()));
    }

    [Fact]
    public void Recovery_from_a_snapshot_and_the_journal_tail_reproduces_the_state_hash()
    {
        using var dir = new Scenario.TempDir();
        (Engine original, _) = Run(dir, 150, 60);

        RecoveryResult r = Recover(dir, new EventLog());

        Assert.Equal(60, r.Snapshot!.Value.Sequence);
        Assert.Equal(89, r.Replayed);
        Assert.Equal(original.Hash(), r.StateHash);
    }

    [Fact]
    public void A_torn_newest_snapshot_is_skipped_for_the_one_before_it()
    {
        using var dir = new Scenario.TempDir();
        (Engine original, _) = Run(dir, 150, 40, 100);
        string newest = Path.Combine(dir.Snapshots, SnapshotStore.FileName(100));
        byte[] bytes = File.ReadAllBytes(newest);
        File.WriteAllBytes(newest, bytes[..(bytes.Length / 2)]);

        RecoveryResult r = Recover(dir, new EventLog());

        Assert.Equal(40, r.Snapshot!.Value.Sequence);
        Assert.Single(r.RejectedSnapshots);
        Assert.Equal(original.Hash(), r.StateHash);
    }

    [Fact]
    public void Recovery_truncates_a_torn_journal_tail_and_keeps_every_whole_record()
    {
        using var dir = new Scenario.TempDir();
        (Engine original, _) = Run(dir, 120);
        string segment = JournalReader.Segments(dir.Journal).Single().Path;
        File.AppendAllText(segment, "torn");

        RecoveryResult r = Recover(dir, new EventLog());

        Assert.Equal(4, r.TruncatedBytes);
        Assert.Equal(original.Hash(), r.StateHash);
        Assert.Equal(0, JournalReader.ReadAll(dir.Journal, out JournalScan again).Count - 120);
        Assert.Equal(0, again.TornBytes);
    }

    [Fact]
    public void Orders_before_the_newest_snapshot_are_re_emitted_from_the_older_one_for_resuming_clients()
    {
        using var dir = new Scenario.TempDir();
        (Engine original, _) = Run(dir, 200, 50, 150);
        long atOlder = original.Log.Events.Where(e => e.InputSequence <= 50 && e.EventSequence > 0).Select(e => e.EventSequence).DefaultIfEmpty().Max();

        var replayed = new EventLog();
        RecoveryResult r = Recover(dir, replayed);

        List<EngineEvent> expected = original.Log.Events.Where(e => e.Kind.IsBroadcast() && e.InputSequence > 50).ToList();
        Assert.Equal(atOlder, r.OrdersCompleteAfter);
        Assert.Equal(expected, replayed.Events.Where(e => e.Kind.IsBroadcast()).ToList());
        Assert.Equal(original.Hash(), r.StateHash);
    }

    [Fact]
    public void Replaying_a_journal_gives_the_identical_orders_and_final_state_hash()
    {
        using var dir = new Scenario.TempDir();
        (Engine original, _) = Run(dir, 217);
        var output = new StringWriter();

        JournalReplayResult result = JournalReplay.Run(dir.Path, TestInstruments.Catalog(), output);

        Assert.Equal(original.Log.OfKind(EventKind.LiquidationOrder).Concat(original.Log.OfKind(EventKind.AdlOrder)).OrderBy(e => e.EventSequence), result.Orders);
        Assert.Equal(original.Hash(), result.FinalStateHash);
        Assert.Contains($"final state hash {original.Hash():x16}", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void After_recovery_from_a_snapshot_the_engine_continues_exactly_like_the_uninterrupted_one()
    {
        // Snapshot at 40 (after closes freed slots), then keep going: positions opened after the snapshot must land in
        // the same slots (same position ids, same state hash) as in the run that never restarted.
        using var dir = new Scenario.TempDir();
        (Engine original, List<EngineCommand> commands) = Run(dir, 217, 40);
        var store = new SnapshotStore(dir.Snapshots);
        EngineState restored = SnapshotStore.Load(store.List().Single(), TestInstruments.Catalog(), Options.PositionCapacity);
        var core = new EngineCore(restored, new EventLog());
        for (int i = 41; i < commands.Count; i++)
        {
            EngineCommand c = commands[i];
            core.Apply(ref c, i);
        }

        Assert.Equal(original.Hash(), StateHasher.Compute(restored));
    }
}
