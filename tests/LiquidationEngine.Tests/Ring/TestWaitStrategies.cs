using Xunit;

namespace LiquidationEngine.Tests.Ring;

/// <summary>The wait strategies a ring test may run a consumer under: every one but busy-spin, which would hold a
/// whole core of the shared test machine for as long as the consumer waits.</summary>
public static class TestWaitStrategies
{
    /// <summary>"yielding", "sleeping" and "blocking", as <see cref="LiquidationEngine.Ring.WaitStrategies.Create"/> names them.</summary>
    public static TheoryData<string> NonSpinning => ["yielding", "sleeping", "blocking"];
}
