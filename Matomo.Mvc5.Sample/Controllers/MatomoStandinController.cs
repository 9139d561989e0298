using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Web.Mvc;
using System.Web.Script.Serialization;
using Matomo.Mvc5.Sample.Models;

namespace Matomo.Mvc5.Sample.Controllers
{
    /// <summary>
    /// A tiny stand-in for a Matomo server, so the Sample shows tracking at work without one.
    /// Web.config's matomo:DomainPath points here (host:port/matomo-standin). It serves a matomo.js that runs the
    /// page's _paq queue and reports it, accepts matomo.php hits, and lists what it received at /matomo-standin/.
    /// </summary>
    public class MatomoStandinController : Controller
    {
        static readonly JavaScriptSerializer Serializer = new JavaScriptSerializer();

        // The smallest transparent GIF, what a real Matomo answers to an image hit.
        static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

        /// <summary>GET /matomo-standin/: what was received, newest first.</summary>
        public ActionResult Index() => View(StandinLog.Snapshot().Reverse().ToList());

        /// <summary>GET /matomo-standin/matomo.js: the tracker script that the snippet loads.</summary>
        [ActionName("matomo.js")]
        public ActionResult Script()
        {
            Log("script", Request.UrlReferrer?.ToString(), Request.Url.ToString());
            NoStore();
            return File(Server.MapPath("~/Scripts/matomo-standin.js"), "application/javascript");
        }

        /// <summary>GET /matomo-standin/piwik.js: the name older Matomo (Piwik) servers use (matomo:ScriptPath).</summary>
        [ActionName("piwik.js")]
        public ActionResult PiwikScript() => Script();

        /// <summary>
        /// GET /matomo-standin/js/container_ID.js: a Tag Manager container (matomo:ContainerId). A real one runs the
        /// tags configured in Matomo; this one only reports the _mtm events it finds (Scripts/matomo-standin-container.js).
        /// </summary>
        public ActionResult Container(string containerId)
        {
            Log("script", Request.UrlReferrer?.ToString(), Request.Url.ToString());
            NoStore();
            return File(Server.MapPath("~/Scripts/matomo-standin-container.js"), "application/javascript");
        }

        /// <summary>GET or POST /matomo-standin/matomo.php: a tracking request, as a real Matomo receives it.</summary>
        [ActionName("matomo.php")]
        public ActionResult Hit()
        {
            if (Request.HttpMethod == "OPTIONS") { AllowAnyOrigin(); return new HttpStatusCodeResult(204); } // CORS preflight
            var parameters = Request.QueryString.AllKeys.Concat(Request.HttpMethod == "POST" ? Request.Form.AllKeys : new string[0])
                .Where(k => k != null)
                .Distinct()
                .ToDictionary(k => k, k => Request.QueryString[k] ?? Request.Form[k]);
            parameters.TryGetValue("url", out var page);
            Log("hit", page ?? Request.UrlReferrer?.ToString(), parameters);
            AllowAnyOrigin();
            NoStore();
            return File(Pixel, "image/gif");
        }

        /// <summary>GET or POST /matomo-standin/piwik.php: the tracking endpoint of older servers (matomo:TrackerPath).</summary>
        [ActionName("piwik.php")]
        public ActionResult PiwikHit() => Hit();

        /// <summary>
        /// POST /matomo-standin/report: matomo.js sends {page, phase, commands} as text/plain JSON (phase "queue": the
        /// _paq commands found on arrival, "push": pushed later); the container sends phase "mtm" with the _mtm events.
        /// </summary>
        [AcceptVerbs("POST", "OPTIONS"), ActionName("report")]
        public ActionResult Report()
        {
            AllowAnyOrigin();
            if (Request.HttpMethod == "OPTIONS") return new HttpStatusCodeResult(204); // CORS preflight
            string body;
            using (var reader = new StreamReader(Request.InputStream, Encoding.UTF8))
                body = reader.ReadToEnd();
            if (body.Length > 65536) return new HttpStatusCodeResult(413);
            var report = Serializer.DeserializeObject(body) as Dictionary<string, object>;
            if (report == null || !report.ContainsKey("commands")) return new HttpStatusCodeResult(400, "expected {page, phase, commands}");
            report.TryGetValue("page", out var page);
            report.TryGetValue("phase", out var phase);
            Log("commands", page as string,
                new Dictionary<string, object> { ["phase"] = phase as string ?? "queue", ["commands"] = report["commands"] });
            return new HttpStatusCodeResult(204);
        }

        /// <summary>GET /matomo-standin/received: everything received, oldest first, as JSON (for the end-to-end tests).</summary>
        [ActionName("received")]
        public ActionResult Received()
        {
            NoStore();
            return Content(Serializer.Serialize(StandinLog.Snapshot()), "application/json", Encoding.UTF8);
        }

        /// <summary>POST /matomo-standin/clear: forget everything received.</summary>
        [HttpPost, ActionName("clear")]
        public ActionResult Clear()
        {
            StandinLog.Clear();
            if (Request.AcceptTypes != null && Request.AcceptTypes.Contains("application/json"))
                return new HttpStatusCodeResult(204);
            return RedirectToAction("Index");
        }

        /// <summary>Pages of other origins (another port, or localhost instead of 127.0.0.1) may report here.</summary>
        void AllowAnyOrigin()
        {
            Response.AppendHeader("Access-Control-Allow-Origin", "*");
            Response.AppendHeader("Access-Control-Allow-Methods", "GET, POST");
            var requested = Request.Headers["Access-Control-Request-Headers"];
            if (!string.IsNullOrEmpty(requested)) Response.AppendHeader("Access-Control-Allow-Headers", requested);
        }

        void NoStore() => Response.Cache.SetNoStore();

        void Log(string kind, string page, object data) => StandinLog.Add(kind, page, Request.UserHostAddress, Request.Path, data);
    }
}
