using LiquidationEngine.Pipeline;

namespace LiquidationEngine.Latency;

/// <summary>Collection counts and allocated bytes at the start of a run, to report what the run itself caused.</summary>
public readonly struct GcProbe
{
    private readonly int _gen0;
    private readonly int _gen1;
    private readonly int _gen2;
    private readonly long _allocated;
    private readonly long _writerAllocated;

    private GcProbe(EnginePipeline? pipeline)
    {
        _gen0 = GC.CollectionCount(0);
        _gen1 = GC.CollectionCount(1);
        _gen2 = GC.CollectionCount(2);
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        _writerAllocated = pipeline?.WriterAllocatedBytes ?? 0;
    }

    /// <summary>Reads the counters now.</summary>
    public static GcProbe Start(EnginePipeline? pipeline) => new(pipeline);

    /// <summary>What happened since <see cref="Start"/>.</summary>
    public GcDelta Stop(EnginePipeline? pipeline) => new(
        GC.CollectionCount(0) - _gen0,
        GC.CollectionCount(1) - _gen1,
        GC.CollectionCount(2) - _gen2,
        GC.GetTotalAllocatedBytes(precise: true) - _allocated,
        (pipeline?.WriterAllocatedBytes ?? 0) - _writerAllocated);
}
