using BenchmarkDotNet.Attributes;
using LiquidationEngine.Contracts;
using LiquidationEngine.Perf;
using LiquidationEngine.Pipeline;

namespace LiquidationEngine.Benchmarks.Engine;

/// <summary>
/// A funding settlement on an instrument that holds every position of the book (10k or 1M). Funding is lazy (only
/// the instrument's cumulative indices and the index offsets move), so both sizes should cost the same.
/// </summary>
/// <remarks>Rates alternate ±10^-8 so the cumulative indices stay bounded however many settlements BenchmarkDotNet
/// runs; the cost does not depend on the rate's size.</remarks>
[MemoryDiagnoser]
public class FundingBenchmarks
{
    private const int PerInvoke = 64;
    private const int Instrument = 0;

    private Book _book = null!;
    private EngineCommand[] _settlements = [];

    /// <summary>Open positions on the settled instrument.</summary>
    [Params(10_000, 1_000_000)]
    public int Positions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var catalog = PerfCatalog.Load();
        _book = Book.Build(new SingleInstrumentLayout(catalog, Instrument), Positions);
        long price = catalog[Instrument].ReferencePrice.Raw;
        _settlements = Enumerable.Range(0, PerInvoke)
            .Select(i => new EngineCommand { Kind = CommandKind.FundingSettlement, Instrument = Instrument, Price = price, Amount = i % 2 == 0 ? 100 : -100 })
            .ToArray();
        if (_book.State.Index.CountOf(Instrument * 2) + _book.State.Index.CountOf((Instrument * 2) + 1) != Positions)
        {
            throw new InvalidOperationException("the instrument does not hold the whole book");
        }

        if (Settle() < 0)
        {
            throw new InvalidOperationException("a funding settlement was rejected");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _book = null!;

    /// <summary>One settlement through the writer's code path.</summary>
    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public long Settle()
    {
        EngineCore core = _book.Core;
        long sequence = _book.NextSequence;
        long rejected = 0;
        for (int i = 0; i < PerInvoke; i++)
        {
            rejected += core.Apply(ref _settlements[i], sequence++) == RejectReason.None ? 0 : 1;
        }

        _book.NextSequence = sequence;
        return rejected == 0 ? sequence : -rejected;
    }
}
