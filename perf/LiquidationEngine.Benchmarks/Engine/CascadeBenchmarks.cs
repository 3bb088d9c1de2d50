using BenchmarkDotNet.Attributes;
using LiquidationEngine.Contracts;
using LiquidationEngine.Perf;

namespace LiquidationEngine.Benchmarks.Engine;

/// <summary>
/// One crash tick: BTC's mark falls 30 % and puts 10 % of a 1M-position book in breach (every BTC long, 100,000
/// positions); the tick finds them, checks each exactly, orders them most underwater first and emits one order each.
/// </summary>
/// <remarks>
/// The figure is the whole tick on the writer's thread (<see cref="EngineCore.Apply"/>, sink = a counter); divide
/// 100,000 by it for orders per second. The crash changes the state, so the book is rebuilt before every invocation
/// (an [IterationSetup], not timed); open-order capacity is pre-sized above 100,000 as the daemon's config should be.
/// </remarks>
[MemoryDiagnoser]
public class CascadeBenchmarks
{
    private CrashLayout _layout = null!;
    private Book _book = null!;

    /// <summary>Open positions in the book.</summary>
    [Params(1_000_000)]
    public int Positions { get; set; }

    /// <summary>Orders the crash emits.</summary>
    public int Expected => CrashLayout.Liquidated(Positions);

    [GlobalSetup]
    public void Setup() => _layout = new CrashLayout(PerfCatalog.Load());

    [IterationSetup]
    public void Rebuild()
    {
        _book = null!;
        _book = Book.Build(_layout, Positions, new BookOptions { OpenOrderCapacity = 1 << 18 });
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [IterationCleanup]
    public void Check()
    {
        if (_book.Sink.Orders != Expected)
        {
            throw new InvalidOperationException($"the crash emitted {_book.Sink.Orders} orders, expected {Expected}");
        }
    }

    /// <summary>The crash tick.</summary>
    [Benchmark]
    public long CrashTick()
    {
        var tick = new EngineCommand { Kind = CommandKind.MarkTick, Instrument = CrashLayout.CrashInstrument, Price = _layout.CrashMark };
        _book.Apply(ref tick);
        return _book.Sink.Orders;
    }
}
