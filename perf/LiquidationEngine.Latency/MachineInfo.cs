using System.Runtime;
using System.Runtime.InteropServices;

namespace LiquidationEngine.Latency;

/// <summary>What the figures were measured on: they mean little without it.</summary>
/// <param name="Cpu">Model name from /proc/cpuinfo.</param>
/// <param name="LogicalCores">Cores the process may use.</param>
/// <param name="Runtime">.NET runtime.</param>
/// <param name="Os">Operating system.</param>
/// <param name="Gc">GC flavour.</param>
/// <param name="LoadAverage">/proc/loadavg when the harness started: other work on the machine.</param>
public sealed record MachineInfo(string Cpu, int LogicalCores, string Runtime, string Os, string Gc, string LoadAverage)
{
    /// <summary>Reads the machine's description.</summary>
    public static MachineInfo Read() => new(
        CpuModel(),
        Environment.ProcessorCount,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        $"{(GCSettings.IsServerGC ? "server" : "workstation")}, {(GCSettings.LatencyMode == GCLatencyMode.Batch ? "non-concurrent" : "concurrent")}, latency mode {GCSettings.LatencyMode}",
        CurrentLoadAverage());

    /// <summary>The 1-, 5- and 15-minute load averages, or "n/a".</summary>
    public static string CurrentLoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
