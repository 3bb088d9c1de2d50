using BenchmarkDotNet.Attributes;
using LiquidationEngine.Benchmarks.Engine;
using LiquidationEngine.Instruments;
using LiquidationEngine.Ledger;
using LiquidationEngine.Numerics;
using LiquidationEngine.Perf;
using LiquidationEngine.Pipeline;
using LiquidationEngine.State;

namespace LiquidationEngine.Benchmarks.Recovery;

/// <summary>
/// Recovery of a 1M-position engine: <see cref="EngineSnapshot.Read"/> of a snapshot held in memory, then
/// <see cref="EngineCore.Apply"/> of the 100,000 commands recorded after it (ticks, funding, deposits, opens, margin
/// moves). The setup checks that the recovered state's hash equals the live engine's.
/// </summary>
/// <remarks>
/// The tail is an in-memory array of <see cref="EngineCommand"/>: main has no journal file format yet (only the
/// <see cref="IInputJournal"/> contract), so journal decoding and disk reads are not in these figures. The snapshot
/// is read from a <see cref="MemoryStream"/>, so disk speed is not either.
/// </remarks>
[MemoryDiagnoser]
public class RecoveryBenchmarks
{
    private const int Positions = 1_000_000;
    private const int TailCommands = 100_000;

    private InstrumentCatalog _catalog = null!;
    private byte[] _snapshot = [];
    private EngineCommand[] _tail = [];
    private ulong _expectedHash;

    [GlobalSetup]
    public void Setup()
    {
        _catalog = PerfCatalog.Load();
        var layout = new SpreadLayout(_catalog);
        Book book = Book.Build(layout, Positions, new BookOptions { PositionCapacity = Positions + TailCommands, ExtraBalance = 100 * Money.Scale });
        foreach (EngineCommand tick in QuietTicks.Create(_catalog, rounds: 1))
        {
            EngineCommand c = tick;
            book.Apply(ref c);
        }

        using (var stream = new MemoryStream())
        {
            EngineSnapshot.Write(book.State, book.State.LastSequence, stream);
            _snapshot = stream.ToArray();
        }

        _tail = RecordTail(book, layout);
        _expectedHash = StateHasher.Compute(book.State);
        ulong recovered = StateHasher.Compute(Recover(replay: true));
        if (recovered != _expectedHash)
        {
            throw new InvalidOperationException($"recovered state hash {recovered:X16} differs from the live engine's {_expectedHash:X16}");
        }

        Console.WriteLine($"// snapshot {_snapshot.Length / 1e6:F1} MB, tail {_tail.Length:N0} commands, {book.Sink.Rejects} rejected, state hash {_expectedHash:X16} reproduced");
    }

    /// <summary>Snapshot only: parse, CRC, rebuild the index, verify the state hash.</summary>
    [Benchmark(Baseline = true)]
    public int SnapshotLoad() => Recover(replay: false).Positions.Count;

    /// <summary>Snapshot plus replay of the recorded tail: the whole recovery.</summary>
    [Benchmark]
    public int SnapshotLoadAndReplay() => Recover(replay: true).Positions.Count;

    private EngineState Recover(bool replay)
    {
        using var stream = new MemoryStream(_snapshot, writable: false);
        EngineState state = EngineSnapshot.Read(stream, _catalog, out long sequence, Positions + TailCommands);
        if (replay)
        {
            var core = new EngineCore(state, new CountingSink());
            for (int i = 0; i < _tail.Length; i++)
            {
                EngineCommand c = _tail[i];
                core.Apply(ref c, ++sequence);
            }
        }

        return state;
    }

    /// <summary>Applies a seeded mix of commands to the live book and returns them: 80 % quiet ticks, 10 % margin
    /// top-ups, 4.5 % deposits and 4.5 % opens of new accounts, 1 % funding settlements.</summary>
    private static EngineCommand[] RecordTail(Book book, SpreadLayout layout)
    {
        EngineCommand[] ticks = QuietTicks.Create(layout.Catalog, rounds: 400, seed: 7);
        var tail = new EngineCommand[TailCommands];
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
                tail[i] = c;
                book.Apply(ref c);
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

            tail[i] = c;
            book.Apply(ref c);
        }

        return tail;
    }
}
