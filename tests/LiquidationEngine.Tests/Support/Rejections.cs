using LiquidationEngine.Contracts;
using Xunit;

namespace LiquidationEngine.Tests.Support;

/// <summary>Checks that a rejected command is rejected for the expected reason and changes nothing.</summary>
internal static class Rejections
{
    /// <summary>Runs <paramref name="command"/> and asserts it returns <paramref name="expected"/>, that the state hash
    /// is unchanged, and that the last event reports the same reason.</summary>
    public static void Rejected(Engine e, RejectReason expected, Func<RejectReason> command)
    {
        ulong before = e.Hash();
        Assert.Equal(expected, command());
        Assert.Equal(before, e.Hash());
        Assert.Equal(expected, e.Log.Events[^1].Reason);
    }
}
