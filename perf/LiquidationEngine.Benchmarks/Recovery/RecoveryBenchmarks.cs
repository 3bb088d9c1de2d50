using BenchmarkDotNet.Attributes;
using LiquidationEngine.Benchmarks.Engine;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;
using LiquidationEngine.Perf;
using LiquidationEngine.Persistence;
using LiquidationEngine.Pipeline;
using LiquidationEngine.State;

namespace LiquidationEngine.Benchmarks.Recovery;

/// <summary>
/// Recovery of a 1M-position engine as the daemon does it (<see cref="EngineRecovery.Recover"/>): load the snapshot
/// file (<see cref="EngineSnapshot.Read"/>, index rebuilt, CRC and state hash checked), then replay the 100,000
/// journal records written after it (ticks, funding, deposits, opens, margin moves) through
/// <see cref="EngineCore.Apply"/>. The setup checks that the recovered state's hash equals the live engine's.
/// </summary>
/// <remarks>
/// The snapshot and the journal segment are real files (snapshot-*.lqs, journal-*.lqj, written by
/// <see cref="SnapshotStore"/> and <see cref="JournalWriter"/>) in a temporary directory; they are read back from the
/// OS page cache, so the figures are CPU cost, not disk speed. <see cref="SnapshotLoad"/> alone is the baseline; the
/// difference is the journal replay.
/// </remarks>
[MemoryDiagnoser]
public class RecoveryBenchmarks
{
    private const int Positions = 1_000_000;
    private const int TailCommands = 100_000;

    private InstrumentCatalog _catalog = null!;
    private string _directory = string.Empty;
    private SnapshotFile _snapshot;
    private EngineOptions _options = null!;
    private ulong _expectedHash;
    private EngineState _live = null!;

    [GlobalSetup]
    public void Setup()
    {
        _catalog = PerfCatalog.Load();
        var layout = new SpreadLayout(_catalog);
        var bookOptions = new BookOptions { PositionCapacity = Positions + TailCommands, ExtraBalance = 100 * Money.Scale };
        Book book = Book.Build(layout, Positions, bookOptions);
        foreach (EngineCommand tick in QuietTicks.Create(_catalog, rounds: 1))
        {
            EngineCommand c = tick;
            book.Apply(ref c);
        }

        _directory = Path.Combine(Path.GetTempPath(), "liq-perf-recovery-" + Environment.ProcessId);
        var store = new SnapshotStore(Path.Combine(_directory, "snapshots"));
        long at = book.State.LastSequence;
        store.Persist(SnapshotStore.Serialize(book.State, at), at);
        _snapshot = store.List()[0];
        _options = new EngineOptions { PositionCapacity = book.State.Positions.Capacity, AccountCapacity = book.Accounts + TailCommands, OpenOrderCapacity = bookOptions.OpenOrderCapacity };
        JournalSegmentHeader header = EngineRecovery.SegmentHeader(_catalog, _options);
        int rejected;
        using (var journal = new JournalWriter(Path.Combine(_directory, "journal"), new JournalOptions { FsyncPolicy = FsyncPolicy.None }, header, book.NextSequence))
        {
            rejected = RecordTail(book, layout, journal);
            journal.Flush();
        }

        _expectedHash = StateHasher.Compute(book.State);
        _live = book.State;
        RecoveryResult check = Recover();
        if (check.StateHash != _expectedHash || check.Replayed != TailCommands)
        {
            throw new InvalidOperationException($"recovery replayed {check.Replayed} records to hash {check.StateHash:X16}; the live engine is at {_expectedHash:X16} after {TailCommands}");
        }

        Console.WriteLine($"// snapshot {new FileInfo(_snapshot.Path).Length / 1e6:F1} MB, journal tail {TailCommands:N0} records ({rejected} rejected), state hash {_expectedHash:X16} reproduced");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The snapshot only: read, CRC, rebuild the index, verify the state hash.</summary>
    [Benchmark(Baseline = true)]
    public int SnapshotLoad() => SnapshotStore.Load(_snapshot, _catalog, _options.PositionCapacity).Positions.Count;

    /// <summary>What a snapshot command costs the writer thread on a 1.1M-position book: serialize, CRC and hash.</summary>
    [Benchmark]
    public int SnapshotSerializeOnWriter() => SnapshotStore.Serialize(_live, _live.LastSequence).Length;

    /// <summary>The daemon's recovery: the snapshot, then the journal tail replayed through the writer's code path.</summary>
    [Benchmark]
    public long SnapshotAndJournalReplay() => Recover().Replayed;

    private RecoveryResult Recover()
        => EngineRecovery.Recover(_catalog, Path.Combine(_directory, "snapshots"), Path.Combine(_directory, "journal"), _options, new CountingSink(), rebuildOrderLogFromOlderSnapshot: false);

    /// <summary>Journals and applies a seeded mix of commands to the live book: 80 % quiet ticks, 10 % margin
    /// top-ups, 4.5 % deposits and 4.5 % opens of new accounts, 1 % funding settlements. Returns the rejects.</summary>
    private static int RecordTail(Book book, SpreadLayout layout, JournalWriter journal)
    {
        int rejected = 0;
        void Record(EngineCommand c)
        {
            journal.Append(c, book.NextSequence);
            rejected += book.Apply(ref c) == RejectReason.None ? 0 : 1;
        }

        EngineCommand[] ticks = QuietTicks.Create(layout.Catalog, rounds: 400, seed: 7);
        var random = new Random(11);
        long nextAccount = book.Accounts + 1;
        int nextPosition = book.Positions;
        int t = 0;
        for (int i = 0; i < TailCommands; i++)
        {
            int roll = random.Next(200);
            EngineCommand c;
            if (roll < 160 || i + 1 == TailCommands)
            {
                c = ticks[t++ % ticks.Length];
            }
            else if (roll < 180)
            {
                int position = random.Next(book.Positions);
                c = new EngineCommand { Kind = CommandKind.AddMargin, Account = book.AccountOf(position), Instrument = layout.Spec(position).Instrument, Amount = Money.Scale };
            }
            else if (roll < 198)
            {
                // A new account: its deposit now, its open as the next command.
                PositionSpec s = layout.Spec(nextPosition++);
                Instrument inst = layout.Catalog[s.Instrument];
                c = new EngineCommand { Kind = CommandKind.Deposit, Account = nextAccount, Asset = (short)inst.SettlementAsset, Amount = 10_000 * Money.Scale };
                Record(c);
                i++;
                c = new EngineCommand
                {
                    Kind = CommandKind.TradeFill, Account = nextAccount++, Instrument = s.Instrument, Side = (sbyte)s.Side,
                    Quantity = s.Quantity, Price = s.Price, Leverage = s.Leverage,
                };
            }
            else
            {
                int instrument = random.Next(layout.Catalog.Count);
                c = new EngineCommand
                {
                    Kind = CommandKind.FundingSettlement, Instrument = instrument, Price = layout.Catalog[instrument].ReferencePrice.Raw,
                    Amount = (random.Next(2) == 0 ? 1 : -1) * 1_000_000, // ±0.01 %
                };
            }

            Record(c);
        }

        return rejected;
    }
}
