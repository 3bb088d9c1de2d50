using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LiquidationEngine.Ring;

/// <summary>Throws for the ring's hot methods, so the throwing code stays out of their inlined bodies.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowCapacityNotPowerOfTwo(int capacity)
        => throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"Ring capacity must be a positive power of two (1, 2, 4, ... 2^30); got {capacity}."),
            nameof(capacity));

    [DoesNotReturn]
    public static void ThrowClaimSizeOutOfRange(int n, int bufferSize)
        => throw new ArgumentOutOfRangeException(
            nameof(n),
            n,
            string.Create(CultureInfo.InvariantCulture, $"Can claim between 1 and the ring capacity ({bufferSize}) slots at once."));

    [DoesNotReturn]
    public static void ThrowAlreadyRunning()
        => throw new InvalidOperationException("The event processor is already running.");

    [DoesNotReturn]
    public static void ThrowAlreadyStarted()
        => throw new InvalidOperationException("The event processor's thread is already started and has not finished.");

    [DoesNotReturn]
    public static void ThrowNegativeTimeout(TimeSpan timeout)
        => throw new ArgumentOutOfRangeException(
            nameof(timeout),
            timeout,
            "A timeout must be positive, zero, or Timeout.InfiniteTimeSpan.");
}
