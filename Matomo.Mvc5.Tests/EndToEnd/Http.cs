using System.IO;
using System.Net;
using System.Text;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>Plain HTTP from the test process (no browser): for readiness checks and the stand-in's JSON.</summary>
    internal static class Http
    {
        public static HttpStatusCode Get(string url, out string body)
        {
            return Send("GET", url, out body);
        }

        public static HttpStatusCode Send(string method, string url, out string body) => Send(method, url, out body, out _);

        /// <summary>Also returns the response's headers (null when there was no response).</summary>
        public static HttpStatusCode Get(string url, out string body, out WebHeaderCollection headers) =>
            Send("GET", url, out body, out headers);

        private static HttpStatusCode Send(string method, string url, out string body, out WebHeaderCollection headers)
        {
            headers = null;
            var request = (HttpWebRequest)WebRequest.Create(url);
            request.Method = method;
            request.Timeout = 30000;
            request.AllowAutoRedirect = false;
            request.Accept = "application/json";
            request.Proxy = null;
            request.KeepAlive = false; // a fresh connection each time: no reuse of one nginx has already closed
            if (method == "POST") request.ContentLength = 0;
            try
            {
                using (var response = (HttpWebResponse)request.GetResponse())
                using (var reader = new StreamReader(response.GetResponseStream(), Encoding.UTF8))
                {
                    headers = response.Headers;
                    body = reader.ReadToEnd();
                    return response.StatusCode;
                }
            }
            catch (WebException e) when (e.Response is HttpWebResponse r)
            {
                headers = r.Headers;
                using (r) body = new StreamReader(r.GetResponseStream(), Encoding.UTF8).ReadToEnd();
                return r.StatusCode;
            }
            catch (WebException e)
            {
                body = e.Status + ": " + e.Message;
                return 0;
            }
        }
    }
}
