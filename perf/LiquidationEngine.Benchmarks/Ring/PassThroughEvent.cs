using System.Runtime.InteropServices;

namespace LiquidationEngine.Benchmarks.Ring;

/// <summary>The 32-byte event both transports carry (about the size of a mark-price tick).</summary>
[StructLayout(LayoutKind.Sequential, Size = 32)]
public struct PassThroughEvent
{
    public long Sequence;
    public long Price;
    public long Quantity;
    public long TimestampTicks;
}
