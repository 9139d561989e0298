using System.Collections.Generic;
using System.Text;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>What the tracker proxy answers: a status, headers that passed the allow-list, and a body.</summary>
    internal sealed class ProxyResponse
    {
        private static readonly byte[] TransparentGif =
            System.Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

        public ProxyResponse(int status) { Status = status; }

        public int Status { get; }

        /// <summary>Headers in order; <c>Content-Type</c>, <c>Cache-Control</c>, <c>ETag</c> and <c>Last-Modified</c> among them.</summary>
        public List<KeyValuePair<string, string>> Headers { get; } = new List<KeyValuePair<string, string>>();

        /// <summary>The body, or null for none.</summary>
        public byte[] Body { get; set; }

        /// <summary>The value of header <paramref name="name"/> (the first), or null.</summary>
        public string Header(string name) => ProxyHeaders.Find(Headers, name);

        public ProxyResponse With(string name, string value)
        {
            Headers.Add(new KeyValuePair<string, string>(name, value));
            return this;
        }

        /// <summary>A plain-text answer that names nothing but <paramref name="text"/>.</summary>
        public static ProxyResponse Text(int status, string text) =>
            new ProxyResponse(status) { Body = Encoding.UTF8.GetBytes(text) }
                .With("Content-Type", "text/plain; charset=utf-8").With("Cache-Control", "no-store");

        /// <summary>What the tracking endpoint answers when Matomo cannot: a 1x1 GIF for image requests, else 204.</summary>
        public static ProxyResponse Harmless(bool image) =>
            image
                ? new ProxyResponse(200) { Body = TransparentGif }.With("Content-Type", "image/gif").With("Cache-Control", "no-store")
                : new ProxyResponse(204).With("Cache-Control", "no-store");
    }
}
