using System;
using System.Collections.Generic;
using System.Text;

namespace Matomo.Mvc5.Standin.Http
{
    /// <summary>What to do with a request: answer it, or (to play a failing server) close the connection without an answer.</summary>
    internal sealed class HttpResponse
    {
        public HttpResponse(int status, string contentType = null, byte[] body = null)
        {
            Status = status;
            Body = body ?? new byte[0];
            if (contentType != null) Headers.Add(new KeyValuePair<string, string>("Content-Type", contentType));
        }

        public int Status { get; }
        public byte[] Body { get; }
        public List<KeyValuePair<string, string>> Headers { get; } = new List<KeyValuePair<string, string>>();
        /// <summary>Reset the connection (TCP RST) instead of answering.</summary>
        public bool Reset { get; private set; }

        /// <summary>What the server does next, run just before the response is written (its connection is closed after it).</summary>
        public Action<HttpServer> After { get; private set; }

        /// <summary>Runs <paramref name="after"/> just before this response is written, and closes the connection after it.</summary>
        public HttpResponse Then(Action<HttpServer> after)
        {
            After = after;
            return this;
        }

        public HttpResponse With(string name, string value)
        {
            Headers.Add(new KeyValuePair<string, string>(name, value));
            return this;
        }

        public static HttpResponse Text(int status, string text, string contentType = "text/plain; charset=utf-8") =>
            new HttpResponse(status, contentType, Encoding.UTF8.GetBytes(text));

        public static HttpResponse NoContent() => new HttpResponse(204);

        public static HttpResponse ConnectionReset() => new HttpResponse(0) { Reset = true };

        public static string Reason(int status)
        {
            switch (status)
            {
                case 100: return "Continue";
                case 200: return "OK";
                case 204: return "No Content";
                case 303: return "See Other";
                case 304: return "Not Modified";
                case 400: return "Bad Request";
                case 404: return "Not Found";
                case 405: return "Method Not Allowed";
                case 413: return "Payload Too Large";
                case 431: return "Request Header Fields Too Large";
                case 500: return "Internal Server Error";
                case 502: return "Bad Gateway";
                case 504: return "Gateway Timeout";
                case 503: return "Service Unavailable";
                default: return "Status " + status;
            }
        }
    }
}
