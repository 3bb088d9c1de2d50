using BenchmarkDotNet.Attributes;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Perf;
using LiquidationEngine.Pipeline;
using LiquidationEngine.Risk;
using LiquidationEngine.State;

namespace LiquidationEngine.Benchmarks.Engine;

/// <summary>
/// The cost of one mark tick that liquidates nothing, on books of 10k, 1M and 10M positions spread evenly over 200
/// instruments, against the naive scan a newcomer would write over the same struct-of-arrays state: for every
/// position of the ticked instrument, compute equity and maintenance margin at the new mark (exact, as the engine does).
/// </summary>
/// <remarks>
/// The engine side is <see cref="EngineCore.Apply"/> on the calling thread: no ring, no other thread. Each invocation
/// applies one round of <see cref="PerInvoke"/> ticks (every instrument once, shuffled order, marks within ±0.1 % of
/// the reference price; quiet positions liquidate at least ~3 % away), so a figure is the cost per tick. The setup
/// checks that the ticks cross nothing.
/// </remarks>
[MemoryDiagnoser]
public class TickBenchmarks
{
    private const int PerInvoke = PerfCatalog.InstrumentCount;
    private const int Rounds = 64;

    private Book _book = null!;
    private EngineCommand[] _ticks = [];
    private int[][] _slotsByInstrument = [];
    private int _cursor;

    /// <summary>Open positions in the book.</summary>
    [ParamsSource(nameof(Sizes))]
    public int Positions { get; set; }

    /// <summary>10k, 1M and 10M positions (10M left out of a quick run).</summary>
    public static IEnumerable<int> Sizes => PerfMode.Quick ? [10_000, 1_000_000] : [10_000, 1_000_000, 10_000_000];

    [GlobalSetup]
    public void Setup()
    {
        InstrumentCatalog catalog = PerfCatalog.Load();
        _book = Book.Build(new SpreadLayout(catalog), Positions);
        _ticks = QuietTicks.Create(catalog, Rounds);
        for (int i = 0; i < _ticks.Length; i++)
        {
            if (_book.Apply(ref _ticks[i]) != RejectReason.None)
            {
                throw new InvalidOperationException($"tick {i} rejected");
            }
        }

        if (_book.Sink.Orders != 0)
        {
            throw new InvalidOperationException($"the quiet ticks liquidated {_book.Sink.Orders} positions");
        }

        // The naive scan's only preparation: the slots of each instrument, in slot order.
        PositionStore p = _book.State.Positions;
        var lists = Enumerable.Range(0, catalog.Count).Select(_ => new List<int>()).ToArray();
        for (int s = 0; s < p.Capacity; s++)
        {
            if (p.Status[s] == PositionStatus.Open)
            {
                lists[p.Instrument[s]].Add(s);
            }
        }

        _slotsByInstrument = lists.Select(l => l.ToArray()).ToArray();
        Console.WriteLine($"// book: {Positions:N0} positions over {catalog.Count} instruments built in {_book.BuildTime.TotalSeconds:F1} s");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _book = null!;
        _slotsByInstrument = [];
    }

    /// <summary>The naive baseline: every position of the ticked instrument, equity vs MM at the new mark.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = PerInvoke)]
    public long NaiveScan()
    {
        EngineState state = _book.State;
        int start = NextRound();
        long breached = 0;
        for (int i = start; i < start + PerInvoke; i++)
        {
            ref EngineCommand tick = ref _ticks[i];
            Instrument inst = state.Catalog[tick.Instrument];
            long mark = tick.Price;
            state.Funding.Mark[tick.Instrument] = mark;
            foreach (int slot in _slotsByInstrument[tick.Instrument])
            {
                if (PositionRisk.IsInBreach(state.Inputs(slot), inst, mark))
                {
                    breached++;
                }
            }
        }

        return breached;
    }

    /// <summary>The engine: the writer's whole tick path, index included.</summary>
    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public long EngineTick()
    {
        EngineCore core = _book.Core;
        int start = NextRound();
        long sequence = _book.NextSequence;
        for (int i = start; i < start + PerInvoke; i++)
        {
            core.Apply(ref _ticks[i], sequence++);
        }

        _book.NextSequence = sequence;
        return sequence;
    }

    private int NextRound()
    {
        int start = _cursor;
        _cursor = (_cursor + PerInvoke) % _ticks.Length;
        return start;
    }
}
