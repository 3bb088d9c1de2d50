namespace LiquidationEngine.Benchmarks;

/// <summary>Run-wide switches read from the environment (run-perf.sh sets them), so the parameter sets can shrink for a smoke run.</summary>
public static class PerfMode
{
    /// <summary>LIQ_PERF_QUICK=1: a smoke run; the 10M-position cases are left out (their setup alone takes ~30–90 s here).</summary>
    public static bool Quick => Environment.GetEnvironmentVariable("LIQ_PERF_QUICK") == "1";
}
