using System.Reflection;

namespace LiquidationEngine.Ring;

/// <summary>Which optional <see cref="IEventHandler{T}"/> hooks <typeparamref name="THandler"/> implements itself.</summary>
/// <remarks>
/// Calling a default interface method on a struct boxes it, so the processor only calls hooks the struct implements.
/// The flags are <see langword="static readonly"/>, so the optimising JIT treats them as constants and drops unused hooks.
/// </remarks>
internal static class HandlerHooks<T, THandler>
    where T : struct
    where THandler : struct, IEventHandler<T>
{
    public static readonly bool OnBatchStart = Implements(nameof(IEventHandler<T>.OnBatchStart));
    public static readonly bool OnStart = Implements(nameof(IEventHandler<T>.OnStart));
    public static readonly bool OnShutdown = Implements(nameof(IEventHandler<T>.OnShutdown));
    public static readonly bool OnTimeout = Implements(nameof(IEventHandler<T>.OnTimeout));

    /// <summary>Touches the class so its reflection runs on the caller's thread, not in the consumer loop.</summary>
    public static bool Initialize() => OnBatchStart | OnStart | OnShutdown | OnTimeout;

    private static bool Implements(string hook)
    {
        InterfaceMapping map = typeof(THandler).GetInterfaceMap(typeof(IEventHandler<T>));
        for (int i = 0; i < map.InterfaceMethods.Length; i++)
        {
            if (map.InterfaceMethods[i].Name == hook)
            {
                // A hook left to its default maps to the interface's own body.
                return map.TargetMethods[i].DeclaringType == typeof(THandler);
            }
        }

        return false;
    }
}
