use super::*;

fn read(text: &str) -> Stream {
    hullscan_yaml::parse(text).expect("parses")
}

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    hullscan.dev/ignore: HS801
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 5
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
      initContainers:
        - name: init
          image: busybox
      containers:
        - name: app
          image: example/app:1.2
          securityContext:
            runAsUser: 0
            capabilities:
              drop: [ALL]
              add: [CAP_NET_BIND_SERVICE]
          ports:
            - name: http
              containerPort: 8080
          livenessProbe:
            httpGet: {path: /healthz, port: http}
          readinessProbe:
            httpGet: {port: http, path: /healthz}
          lifecycle:
            preStop:
              exec:
                command: ["sh", "-c", "sleep 10 && nginx -s quit"]
          env:
            - name: PASSWORD
              value: hunter2
          resources:
            limits: {memory: 128Mi}
      volumes:
        - name: sock
          hostPath: {path: /var/run/docker.sock}
"#;

#[test]
fn reads_a_deployment_with_locations() {
    let stream = read(DEPLOYMENT);
    let objects = objects(&stream);
    assert_eq!(objects.len(), 1);
    let object = &objects[0];
    assert_eq!(object.display_name(), "Deployment/web");
    assert_eq!(object.annotation("hullscan.dev/ignore"), Some("HS801"));
    let pod = object.pod.as_ref().unwrap();
    assert_eq!(pod.termination_grace_period_seconds.unwrap().value, 5);
    assert_eq!(pod.containers.len(), 2);
    assert_eq!(pod.containers[0].kind, ContainerKind::Init);
    let app = &pod.containers[1];
    assert_eq!(app.image.unwrap().value, "example/app:1.2");
    assert_eq!(app.image.unwrap().node.span.start.line, 19);
    // Container settings override the pod's.
    assert_eq!(pod.run_as_user(app).unwrap().value, 0);
    assert_eq!(pod.run_as_user(app).unwrap().node.span.start.line, 21);
    assert!(pod.run_as_non_root(app).unwrap().value);
    assert_eq!(pod.run_as_user(&pod.containers[0]).unwrap().value, 1000);
    assert!(app.security_context.drops_all());
    assert!(app.security_context.adds("NET_BIND_SERVICE"));
    let live = app.liveness_probe.as_ref().unwrap();
    let ready = app.readiness_probe.as_ref().unwrap();
    assert!(
        same_value(live.node, ready.node),
        "key order does not matter"
    );
    assert_eq!(app.resolve_port(live.port.as_ref().unwrap()), Some(8080));
    assert_eq!(
        app.pre_stop.as_ref().unwrap().sleep_seconds.unwrap().value,
        10
    );
    assert_eq!(app.env[0].value.unwrap().value, "hunter2");
    assert!(app.resources.limit("memory").is_some());
    assert!(app.resources.request("cpu").is_none());
    assert_eq!(
        pod.volume("sock").unwrap().host_path.unwrap().value,
        "/var/run/docker.sock"
    );
}

#[test]
fn every_workload_kind_has_its_pod() {
    let text = r#"
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: x}]}}
  - apiVersion: batch/v1
    kind: CronJob
    metadata: {name: c}
    spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: b, image: y}]}}}}}
---
apiVersion: apps/v1
kind: StatefulSet
spec: {template: {spec: {containers: [{image: z}], ephemeralContainers: [{name: dbg, image: d}]}}}
---
apiVersion: v1
kind: Service
metadata: {name: s}
"#;
    let stream = read(text);
    let objects = objects(&stream);
    let kinds: Vec<&str> = objects.iter().map(|o| o.kind).collect();
    assert_eq!(kinds, ["Pod", "CronJob", "StatefulSet", "Service"]);
    assert!(objects[..3].iter().all(|o| o.pod.is_some()));
    assert!(objects[3].pod.is_none());
    let set = objects[2].pod.as_ref().unwrap();
    assert_eq!(set.containers[1].kind, ContainerKind::Ephemeral);
    assert_eq!(objects[2].document, 1);
}

#[test]
fn pre_stop_sleep_forms() {
    for (hook, seconds) in [
        ("sleep: {seconds: 20}", Some(20)),
        ("exec: {command: [sleep, '15']}", Some(15)),
        (
            "exec: {command: [/bin/sh, -c, 'sleep 1m; kill 1']}",
            Some(60),
        ),
        ("exec: {command: [/bin/sh, -c, 'nginx -s quit']}", None),
        ("httpGet: {path: /stop, port: 80}", None),
    ] {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - lifecycle:\n        preStop: {{{hook}}}\n"
        );
        let stream = read(&text);
        let objects = objects(&stream);
        let container = &objects[0].pod.as_ref().unwrap().containers[0];
        let found = container
            .pre_stop
            .as_ref()
            .unwrap()
            .sleep_seconds
            .map(|f| f.value);
        assert_eq!(found, seconds, "{hook}");
    }
}

#[test]
fn wrong_types_are_absent_not_errors() {
    let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers: 3\n  securityContext: [1]\n";
    let stream = read(text);
    let objects = objects(&stream);
    let pod = objects[0].pod.as_ref().unwrap();
    assert!(pod.containers.is_empty());
    assert!(pod.security_context.node.is_none());
}

#[test]
#[allow(clippy::print_stderr)] // skip notice
fn corpus_objects_are_found() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/k8s");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: ../shared/corpus/k8s is absent");
        return;
    };
    let mut containers = 0;
    let mut workloads = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let stream = hullscan_yaml::parse(&text).unwrap();
        for object in objects(&stream) {
            if let Some(pod) = &object.pod {
                workloads += 1;
                containers += pod.regular_containers().count();
            }
        }
    }
    // The reference counted 65 workloads and 65 containers with PyYAML.
    assert_eq!((workloads, containers), (65, 65));
}
