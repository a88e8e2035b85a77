module example.com/clusterops

go 1.25

require (
	github.com/dave/jennifer v1.7.1 // indirect
	github.com/flightline-dev/flightline v0.0.0 // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/santhosh-tekuri/jsonschema/v5 v5.3.1 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/text v0.14.0 // indirect
)

replace github.com/flightline-dev/flightline => ../..

tool github.com/flightline-dev/flightline/cmd/flightline
