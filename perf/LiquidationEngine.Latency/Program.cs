using System.Diagnostics;
using System.Text.Json;
using HdrHistogram;
using LiquidationEngine.Instruments;
using LiquidationEngine.Perf;
using LiquidationEngine.Pipeline;
using LiquidationEngine.Replay;
using LiquidationEngine.State;

namespace LiquidationEngine.Latency;

/// <summary>
/// The paced latency harness (not BenchmarkDotNet): memory per position, ticks paced at fixed rates through the
/// running pipeline over a 1M-position book with latency measured from each tick's scheduled send time, the pipeline
/// flat out, and a crash tick that liquidates 100,000 positions.
/// </summary>
public static class Program
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Runs the harness; see <see cref="HarnessOptions.Usage"/>.</summary>
    public static int Main(string[] args)
    {
        HarnessOptions options;
        try
        {
            options = HarnessOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(HarnessOptions.Usage);
            return 2;
        }

        var clock = Stopwatch.StartNew();
        MachineInfo machine = MachineInfo.Read();
        Console.WriteLine($"machine: {machine.Cpu}, {machine.LogicalCores} logical cores, {machine.Runtime}, {machine.Os}");
        Console.WriteLine($"GC: {machine.Gc}; load average at start: {machine.LoadAverage}");
        Console.WriteLine($"mode: {(options.Quick ? "quick" : "full")}, wait strategies for the timed runs: {string.Join(", ", options.WaitStrategies)}");
        InstrumentCatalog catalog = PerfCatalog.Load();
        Console.WriteLine($"catalog: {catalog.Count} instruments ({PerfCatalog.ConfiguredCount()} from config/instruments.json, the rest copies)");

        MemoryResult? memory = null;
        if (options.Scenarios.Contains("memory"))
        {
            memory = MemoryProbe.Measure(catalog, options.Positions);
            Console.WriteLine();
            Console.WriteLine($"memory, {memory.Positions:N0} positions in {memory.Accounts:N0} accounts:");
            Console.WriteLine($"  whole engine {memory.TotalBytesPerPosition:F1} B/position (GC heap size: {memory.GcHeapBytesPerPosition:F1}); state + index {memory.StateAndIndexBytesPerPosition:F1}");
            Console.WriteLine($"  PositionStore arrays {memory.PositionStoreBytesPerSlot:F1} B/slot (declared BytesPerSlot {memory.PositionStoreDeclaredBytesPerSlot}); writer scratch {memory.WriterScratchBytesPerSlot:F1} B/slot; empty state {memory.EmptyStateBytesPerSlot:F1} B/slot");
        }

        var paced = new List<PacedResult>();
        var throughput = new List<ThroughputResult>();
        if (options.Scenarios.Contains("paced") || options.Scenarios.Contains("throughput"))
        {
            foreach (string wait in options.WaitStrategies)
            {
                GC.Collect();
                RunPipeline(catalog, options, wait, paced, throughput);
            }
        }

        var cascades = new List<CascadeResult>();
        if (options.Scenarios.Contains("cascade"))
        {
            Console.WriteLine();
            Console.WriteLine($"cascade: one tick crashes BTC 30 % over {options.Positions:N0} positions ({options.WaitStrategies[0]}); publish → every order at the sink:");
            for (int r = 0; r < options.CascadeRepeats; r++)
            {
                GC.Collect();
                CascadeResult c = CascadeRun.Run(catalog, options.Positions, options.WaitStrategies[0]);
                cascades.Add(c);
                Console.WriteLine($"  #{r + 1}: {c.Orders:N0} orders (expected {c.ExpectedOrders:N0}); first {LatencySummary.Format(c.FirstOrderNs)}, last {LatencySummary.Format(c.LastOrderNs)}; {c.OrdersPerSecond / 1e6:F2}M orders/s; GC {c.Gc.Gen0}/{c.Gc.Gen1}/{c.Gc.Gen2}, writer allocated {c.Gc.WriterAllocatedBytes:N0} B (book built in {c.BuildSeconds:F1} s)");
            }
        }

        var results = new HarnessResults(machine, options.Quick ? "quick" : "full", options.WaitStrategies, options.Positions, memory, paced, throughput, cascades, MachineInfo.CurrentLoadAverage(), clock.Elapsed.TotalSeconds);
        Console.WriteLine();
        Console.WriteLine($"load average at end: {results.LoadAverageAtEnd}; harness took {clock.Elapsed.TotalSeconds:F0} s");
        if (options.JsonPath is { } path)
        {
            File.WriteAllText(path, JsonSerializer.Serialize(results, Json));
            WriteHistogramLog(Path.ChangeExtension(path, ".hlog"), paced);
        }

        return 0;
    }

    /// <summary>Every paced run's scheduled-time histogram in HdrHistogram's standard log format (readable by
    /// HistogramLogReader and the HdrHistogram plotting tools), tagged "wait/rate".</summary>
    private static void WriteHistogramLog(string path, List<PacedResult> paced)
    {
        using FileStream file = File.Create(path);
        HistogramBase[] histograms = paced.Where(r => r.AllHistogram is not null).Select(r =>
        {
            HistogramBase h = r.AllHistogram!;
            h.Tag = $"{r.WaitStrategy}/{r.TargetRate}";
            return h;
        }).ToArray();
        Latencies.WriteLog(file, DateTime.UtcNow, histograms);
        Console.WriteLine($"histograms: {path}");
    }

    private static void RunPipeline(InstrumentCatalog catalog, HarnessOptions options, string wait, List<PacedResult> paced, List<ThroughputResult> throughput)
    {
        var layout = new LatencyLayout(catalog, rungs: 150);
        Book book = Book.Build(layout, options.Positions, new BookOptions { OpenOrderCapacity = 1 << 16 });
        var ticks = new TickSource(book, layout);
        Console.WriteLine();
        Console.WriteLine($"[{wait}] latency book: {book.Positions:N0} positions ({layout.Tripwires:N0} tripwires on {layout.Eligible.Count} instruments) built in {book.BuildTime.TotalSeconds:F1} s; one tick in {TickSource.CrossEvery} crosses a tripwire");

        int capacity = (int)Math.Max(options.Rates.Max(r => r * options.SecondsAt(r)), 1_000_000 * options.WarmupSeconds);
        var sink = new TimestampSink(capacity, orderCapacity: 1 << 16);
        long[] sent = new long[capacity];
        var engineOptions = new EngineOptions
        {
            RingSize = 1 << 16, OutputRingSize = 1 << 18, PositionCapacity = options.Positions, AccountCapacity = book.Accounts,
            OpenOrderCapacity = 1 << 16, WaitStrategy = wait, MultiProducer = false,
        };

        // The busy-spinning threads live only from here to the finally below.
        using var pipeline = new EnginePipeline(catalog, engineOptions, book.State);
        pipeline.AddSink(sink);
        pipeline.Start();
        try
        {
            var run = new PacedRun(pipeline, sink, ticks, sent);
            PacedResult warm = run.Run(1_000_000, (int)(1_000_000 * options.WarmupSeconds));
            Console.WriteLine($"warm-up at 1M/s ({warm.Events:N0} ticks, discarded): all {warm.All}");
            GC.Collect();
            if (options.Scenarios.Contains("paced"))
            {
                Console.WriteLine("paced ticks, latency from the scheduled send time to the sink (output thread):");
                foreach (long rate in options.Rates)
                {
                    PacedResult r = run.Run(rate, (int)(rate * options.SecondsAt(rate)));
                    paced.Add(r);
                    Console.WriteLine($"  {rate / 1e6:0.###}M/s for {r.ScheduledSeconds:0.##} s: sent at {r.AchievedSendRate / 1e6:F3}M/s, through the sinks at {r.AchievedCompletionRate / 1e6:F3}M/s; GC {r.Gc.Gen0}/{r.Gc.Gen1}/{r.Gc.Gen2}, writer allocated {r.Gc.WriterAllocatedBytes:N0} B, missing {r.Missing}");
                    Console.WriteLine($"    → order   {r.ToOrder}   ({r.Orders:N0} orders)");
                    Console.WriteLine($"    → applied {r.ToApplied}");
                    Console.WriteLine($"    all       {r.All}");
                    Console.WriteLine($"    (from actual send, coordinated omission: {r.AllFromActualSend})");
                    Console.WriteLine($"    (the same, HdrHistogram-corrected:       {r.AllFromActualSendCorrected})");
                    Console.WriteLine($"    (producer lateness, actual − scheduled send: {r.SendLag})");
                    GC.Collect();
                }
            }

            if (options.Scenarios.Contains("throughput"))
            {
                ThroughputResult t = run.Flat(options.ThroughputEvents);
                throughput.Add(t);
                Console.WriteLine($"flat out: {t.Events:N0} feed ticks in {t.Seconds:F3} s = {t.TicksPerSecond / 1e6:F2}M ticks/s ({t.Orders:N0} orders); GC {t.Gc.Gen0}/{t.Gc.Gen1}/{t.Gc.Gen2}, writer allocated {t.Gc.WriterAllocatedBytes:N0} B");
            }

            Console.WriteLine($"tripwires left: {ticks.RungsLeft:N0}");
        }
        finally
        {
            if (!pipeline.Stop(TimeSpan.FromSeconds(30)))
            {
                Console.Error.WriteLine($"warning: the pipeline did not stop cleanly: {pipeline.Fault}");
            }
        }
    }
}
