using System.IO;
using System.Runtime.Serialization.Formatters.Binary;

namespace Matomo.Mvc5.Tests.Support
{
    /// <summary>Serialization as remoting and AppDomain boundaries do it (BinaryFormatter; works on Mono and .NET Framework).</summary>
    public static class Serialization
    {
        public static T RoundTrip<T>(T value)
        {
            var formatter = new BinaryFormatter();
            using (var stream = new MemoryStream())
            {
                formatter.Serialize(stream, value);
                stream.Position = 0;
                return (T)formatter.Deserialize(stream);
            }
        }
    }
}
