using System.Runtime.CompilerServices;
using LiquidationEngine.Instruments;
using LiquidationEngine.Perf;
using LiquidationEngine.Pipeline;
using LiquidationEngine.State;

namespace LiquidationEngine.Latency;

/// <summary>Heap bytes per open position: GC.GetTotalMemory(true) around building the engine and a 1M-position book.</summary>
public static class MemoryProbe
{
    /// <summary>Measures with <paramref name="positions"/> positions, 5 per account, capacity exactly the book's size.</summary>
    public static MemoryResult Measure(InstrumentCatalog catalog, int positions)
    {
        var layout = new SpreadLayout(catalog);
        int accounts = (positions + layout.PositionsPerAccount - 1) / layout.PositionsPerAccount;
        var options = new BookOptions();

        // The empty engine, piece by piece: state (slots, index, accounts, books) then the writer (its scratch).
        long m0 = Heap();
        var empty = new EngineState(catalog, positions, accounts, options.OpenOrderCapacity);
        long m1 = Heap();
        var core = new EngineCore(empty, new CountingSink());
        long m2 = Heap();
        double slotBytes = PositionStoreBytes(empty.Positions) / (double)empty.Positions.Capacity;
        GC.KeepAlive(core);
        empty = null!;
        core = null!;

        // The real thing: the same engine with every position opened.
        long before = Heap();
        long heapBefore = HeapInfo();
        Book book = Book.Build(layout, positions, options);
        long after = Heap();
        long heapAfter = HeapInfo();
        GC.KeepAlive(book);
        double total = (after - before) / (double)positions;
        double scratch = (m2 - m1) / (double)positions;
        return new MemoryResult(
            positions, accounts, total, total - scratch, (m1 - m0) / (double)positions, scratch, slotBytes,
            PositionStore.BytesPerSlot, (heapAfter - heapBefore) / (double)positions);
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static long HeapInfo()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
    }

    /// <summary>What the store's parallel arrays hold, from their lengths and element sizes.</summary>
    private static long PositionStoreBytes(PositionStore p)
        => ((long)p.AccountIx.Length * sizeof(int)) + ((long)p.NextInAccount.Length * sizeof(int))
            + ((long)p.Instrument.Length * sizeof(ushort)) + ((long)p.Status.Length * Unsafe.SizeOf<PositionStatus>())
            + ((long)p.Leverage.Length * sizeof(byte)) + ((long)p.Generation.Length * sizeof(uint))
            + ((long)p.Size.Length * sizeof(long)) + ((long)p.Entry.Length * sizeof(long)) + ((long)p.Margin.Length * sizeof(long))
            + ((long)p.FundingSnapshot.Length * sizeof(long)) + ((long)p.Key.Length * sizeof(long))
            + ((long)p.Left.Length * sizeof(int)) + ((long)p.Right.Length * sizeof(int));
}
