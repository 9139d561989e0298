using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Matomo.Mvc5.Standin.Http
{
    /// <summary>
    /// One HTTP/1.x request exactly as it arrived: the request target is not normalised (no decoding, no removal of
    /// "..", encoded slashes kept), and the headers keep their order, spelling and repetitions.
    /// </summary>
    internal sealed class HttpRequest
    {
        public HttpRequest(string method, string target, string version, IReadOnlyList<KeyValuePair<string, string>> headers,
            byte[] body, string remoteAddress)
        {
            Method = method;
            Target = target;
            Version = version;
            Headers = headers;
            Body = body;
            RemoteAddress = remoteAddress;
            int q = target.IndexOf('?');
            Path = q < 0 ? target : target.Substring(0, q);
            Query = q < 0 ? "" : target.Substring(q + 1);
        }

        public string Method { get; }
        /// <summary>The request target as sent: "/matomo.php?idsite=1&amp;rec=1".</summary>
        public string Target { get; }
        /// <summary>The target before "?", still percent-encoded.</summary>
        public string Path { get; }
        /// <summary>The target after "?", still percent-encoded ("" if none).</summary>
        public string Query { get; }
        public string Version { get; }
        public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }
        public byte[] Body { get; }
        /// <summary>The peer's address (the TCP connection's remote end).</summary>
        public string RemoteAddress { get; }

        /// <summary>The header's values joined by ", " (as HTTP allows for repeated headers), or null.</summary>
        public string Header(string name)
        {
            var values = Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
            return values.Count == 0 ? null : string.Join(", ", values);
        }

        public string BodyText => Encoding.UTF8.GetString(Body);

        /// <summary>True when the client wants the connection closed after this request.</summary>
        public bool WantsClose
        {
            get
            {
                var connection = Header("Connection") ?? "";
                if (connection.IndexOf("close", StringComparison.OrdinalIgnoreCase) >= 0) return true;
                return Version == "HTTP/1.0" && connection.IndexOf("keep-alive", StringComparison.OrdinalIgnoreCase) < 0;
            }
        }
    }
}
