using LiquidationEngine.Contracts;

namespace LiquidationEngine.Tests.Support;

/// <summary>Collects every event the writer emits.</summary>
internal sealed class EventLog : IEngineEventSink
{
    public List<EngineEvent> Events { get; } = [];

    public void Emit(in EngineEvent e) => Events.Add(e);

    public IEnumerable<EngineEvent> OfKind(EventKind kind) => Events.Where(e => e.Kind == kind);

    public void Clear() => Events.Clear();
}
