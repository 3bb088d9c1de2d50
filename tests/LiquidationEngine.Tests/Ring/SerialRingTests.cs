using Xunit;

namespace LiquidationEngine.Tests.Ring;

/// <summary>Ring tests start consumer threads; on a 2-core machine they must not run beside each other
/// (or beside other tests), or they compete for the cores and crawl.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialRingTests
{
    /// <summary>The collection name used by every ring test class.</summary>
    public const string Name = "Ring (serial, owns the cores)";
}
