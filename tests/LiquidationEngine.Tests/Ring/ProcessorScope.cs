using LiquidationEngine.Ring;

namespace LiquidationEngine.Tests.Ring;

/// <summary>Starts a processor on its own thread and stops it when disposed, so a failing test leaves no consumer running.</summary>
internal static class ProcessorScope
{
    public static IDisposable Start<T, THandler>(BatchEventProcessor<T, THandler> processor, string threadName)
        where T : struct
        where THandler : struct, IEventHandler<T>
    {
        processor.Start(threadName);
        return new Stopper(() => processor.Stop(Eventually.Patience));
    }

    private sealed class Stopper(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }
}
