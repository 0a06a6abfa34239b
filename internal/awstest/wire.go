package awstest

import (
	"encoding/base64"
	"reflect"
	"strconv"
	"strings"
	"time"

	smithytime "github.com/aws/smithy-go/time"
)

// The encoders below write the SDK's own types (the snapshot's) as each
// protocol's serializer on AWS's side would: member names are the Go field
// names (awsJson, awsQuery), lower-camel (restJson1), or EC2's names from
// ec2Names; timestamps are epoch seconds or ISO 8601 as the protocol says.
// The round-trip tests fill every field of every served type and read it
// back through the real clients, so a wrong name cannot pass unnoticed.

var timeType = reflect.TypeOf(time.Time{})

// jsonStyle says how a JSON protocol names members and writes timestamps.
type jsonStyle struct {
	lower bool // restJson1: lower-camel member names
	iso   bool // timestamps as ISO 8601 strings, not epoch seconds
}

var (
	awsJSON  = jsonStyle{}
	eksJSON  = jsonStyle{lower: true}            // EKS: restJson1's default, epoch seconds
	emrcJSON = jsonStyle{lower: true, iso: true} // emr-containers' model sets timestampFormat iso8601
)

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// toJSON turns v into a tree encoding/json writes in the style's shape;
// nil for a member that is not set.
func toJSON(v any, st jsonStyle) any { return jsonValue(reflect.ValueOf(v), st) }

func jsonValue(v reflect.Value, st jsonStyle) any {
	switch v.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return jsonValue(v.Elem(), st)
	case reflect.Struct:
		if v.Type() == timeType {
			t := v.Interface().(time.Time)
			if st.iso {
				return smithytime.FormatDateTime(t)
			}
			return smithytime.FormatEpochSeconds(t)
		}
		out := map[string]any{}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			if x := jsonValue(v.Field(i), st); x != nil {
				name := f.Name
				if st.lower {
					name = lowerFirst(name)
				}
				out[name] = x
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes())
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = jsonValue(v.Index(i), st)
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := map[string]any{}
		for it := v.MapRange(); it.Next(); {
			out[it.Key().String()] = jsonValue(it.Value(), st)
		}
		return out
	case reflect.String:
		return v.String()
	default:
		return v.Interface()
	}
}

// xmlStyle says how an XML protocol names members and list items.
type xmlStyle struct {
	item  string            // list item element: "item" (EC2), "member" (awsQuery)
	lower bool              // lower-camel member names (EC2)
	names map[string]string // "Type.Field" → element name, where it is not the field's
	items map[string]string // "Type.Field" → list item element, where it is not item
	attrs map[string]string // "Type.Field" → the attribute it is written as (S3's xsi:type)
}

var (
	ec2XML   = xmlStyle{item: "item", lower: true, names: ec2Names, items: ec2Items}
	queryXML = xmlStyle{item: "member"}
	// s3XML is restXml as S3 writes a bucket's logging: grants are <Grant>,
	// a grantee's type its xsi:type attribute (written without the xsi
	// namespace declaration, which the SDK's decoder would resolve to the
	// namespace URI and so not recognise).
	s3XML = xmlStyle{items: map[string]string{"LoggingEnabled.TargetGrants": "Grant"}, attrs: map[string]string{"Grantee.Type": "xsi:type"}}
)

// xmlMembers writes the members of struct v (not its own element).
func xmlMembers(b *strings.Builder, v any, st xmlStyle) {
	rv := reflect.Indirect(reflect.ValueOf(v))
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Type().Field(i)
		if f.IsExported() {
			xmlValue(b, st.name(rv.Type(), f.Name), st.itemOf(rv.Type(), f.Name), rv.Field(i), st)
		}
	}
}

// xmlList writes v (a slice) as element name holding one item per element.
func xmlList(b *strings.Builder, name string, v any, st xmlStyle) {
	rv := reflect.ValueOf(v)
	if rv.IsNil() {
		rv = reflect.MakeSlice(rv.Type(), 0, 0) // an empty list is still written: <name/>
	}
	xmlValue(b, name, st.item, rv, st)
}

func (st xmlStyle) name(t reflect.Type, field string) string {
	if n, ok := st.names[t.Name()+"."+field]; ok {
		return n
	}
	if st.lower {
		return lowerFirst(field)
	}
	return field
}

func (st xmlStyle) itemOf(t reflect.Type, field string) string {
	if n, ok := st.items[t.Name()+"."+field]; ok {
		return n
	}
	return st.item
}

// xmlValue writes v as element name; a list's elements are item elements.
func xmlValue(b *strings.Builder, name, item string, v reflect.Value, st xmlStyle) {
	switch v.Kind() {
	case reflect.Invalid:
		return
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			xmlValue(b, name, item, v.Elem(), st)
		}
		return
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			xmlText(b, name, base64.StdEncoding.EncodeToString(v.Bytes()))
			return
		}
		b.WriteString("<" + name + ">")
		for i := 0; i < v.Len(); i++ {
			xmlValue(b, item, st.item, v.Index(i), st)
		}
		b.WriteString("</" + name + ">")
		return
	case reflect.Map:
		if v.IsNil() {
			return
		}
		b.WriteString("<" + name + ">")
		for it := v.MapRange(); it.Next(); {
			b.WriteString("<entry>")
			xmlValue(b, "key", st.item, it.Key(), st)
			xmlValue(b, "value", st.item, it.Value(), st)
			b.WriteString("</entry>")
		}
		b.WriteString("</" + name + ">")
		return
	case reflect.Struct:
		if v.Type() == timeType {
			xmlText(b, name, smithytime.FormatDateTime(v.Interface().(time.Time)))
			return
		}
		b.WriteString("<" + name)
		for i := 0; i < v.NumField(); i++ {
			if a, ok := st.attrs[v.Type().Name()+"."+v.Type().Field(i).Name]; ok && v.Field(i).String() != "" {
				b.WriteString(" " + a + `="` + esc(v.Field(i).String()) + `"`)
			}
		}
		b.WriteString(">")
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if _, attr := st.attrs[v.Type().Name()+"."+f.Name]; f.IsExported() && !attr {
				xmlValue(b, st.name(v.Type(), f.Name), st.itemOf(v.Type(), f.Name), v.Field(i), st)
			}
		}
		b.WriteString("</" + name + ">")
		return
	case reflect.String:
		xmlText(b, name, v.String())
	case reflect.Bool:
		xmlText(b, name, strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		xmlText(b, name, strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		xmlText(b, name, strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		xmlText(b, name, strconv.FormatFloat(v.Float(), 'g', -1, 64))
	}
}

func xmlText(b *strings.Builder, name, text string) {
	b.WriteString("<" + name + ">" + esc(text) + "</" + name + ">")
}

// ec2Names are the EC2 element names that are not the lower-camel field
// name (taken from service/ec2/deserializers.go, which matches names
// case-insensitively), for the types the server returns.
var ec2Names = map[string]string{
	"CpuPerformanceFactor.References":                                          "referenceSet",
	"DnsOptions.PrivateDnsSpecifiedDomains":                                    "privateDnsSpecifiedDomainSet",
	"Image.BlockDeviceMappings":                                                "blockDeviceMapping",
	"Image.ImageWatermarks":                                                    "imageWatermarkSet",
	"Image.OwnerId":                                                            "imageOwnerId",
	"Image.Public":                                                             "isPublic",
	"Image.State":                                                              "imageState",
	"Image.Tags":                                                               "tagSet",
	"InstanceRequirements.AcceleratorManufacturers":                            "acceleratorManufacturerSet",
	"InstanceRequirements.AcceleratorNames":                                    "acceleratorNameSet",
	"InstanceRequirements.AcceleratorTypes":                                    "acceleratorTypeSet",
	"InstanceRequirements.AllowedInstanceTypes":                                "allowedInstanceTypeSet",
	"InstanceRequirements.CpuManufacturers":                                    "cpuManufacturerSet",
	"InstanceRequirements.ExcludedInstanceTypes":                               "excludedInstanceTypeSet",
	"InstanceRequirements.InstanceGenerations":                                 "instanceGenerationSet",
	"InstanceRequirements.LocalStorageTypes":                                   "localStorageTypeSet",
	"InstanceTypeSpecification.SupportedInstanceTypes":                         "supportedInstanceTypeSet",
	"InstanceTypeSpecification.UnsupportedInstanceTypes":                       "unsupportedInstanceTypeSet",
	"IpPermission.UserIdGroupPairs":                                            "groups",
	"LaunchTemplateInstanceNetworkInterfaceSpecification.Groups":               "groupSet",
	"LaunchTemplateInstanceNetworkInterfaceSpecification.Ipv4Prefixes":         "ipv4PrefixSet",
	"LaunchTemplateInstanceNetworkInterfaceSpecification.Ipv6Addresses":        "ipv6AddressesSet",
	"LaunchTemplateInstanceNetworkInterfaceSpecification.Ipv6Prefixes":         "ipv6PrefixSet",
	"LaunchTemplateInstanceNetworkInterfaceSpecification.PrivateIpAddresses":   "privateIpAddressesSet",
	"LaunchTemplateInstanceSecondaryInterfaceSpecification.PrivateIpAddresses": "privateIpAddressesSet",
	"LaunchTemplatesMonitoring.MetricCategoryIds":                              "metricCategoryIdSet",
	"LaunchTemplateTagSpecification.Tags":                                      "tagSet",
	"ProductCode.ProductCodeId":                                                "productCode",
	"ProductCode.ProductCodeType":                                              "type",
	"Region.Endpoint":                                                          "regionEndpoint",
	"Region.Geography":                                                         "geographySet",
	"ResponseLaunchTemplateData.BlockDeviceMappings":                           "blockDeviceMappingSet",
	"ResponseLaunchTemplateData.ElasticGpuSpecifications":                      "elasticGpuSpecificationSet",
	"ResponseLaunchTemplateData.ElasticInferenceAccelerators":                  "elasticInferenceAcceleratorSet",
	"ResponseLaunchTemplateData.LicenseSpecifications":                         "licenseSet",
	"ResponseLaunchTemplateData.NetworkInterfaces":                             "networkInterfaceSet",
	"ResponseLaunchTemplateData.SecondaryInterfaces":                           "secondaryInterfaceSet",
	"ResponseLaunchTemplateData.SecurityGroupIds":                              "securityGroupIdSet",
	"ResponseLaunchTemplateData.SecurityGroups":                                "securityGroupSet",
	"ResponseLaunchTemplateData.TagSpecifications":                             "tagSpecificationSet",
	"RouteTable.Associations":                                                  "associationSet",
	"RouteTable.PropagatingVgws":                                               "propagatingVgwSet",
	"RouteTable.Routes":                                                        "routeSet",
	"RouteTable.Tags":                                                          "tagSet",
	"SecurityGroup.Description":                                                "groupDescription",
	"SecurityGroup.Tags":                                                       "tagSet",
	"Subnet.Tags":                                                              "tagSet",
	"SubnetIpPrefixes.IpPrefixes":                                              "ipPrefixSet",
	"VpcEndpoint.DnsEntries":                                                   "dnsEntrySet",
	"VpcEndpoint.Groups":                                                       "groupSet",
	"VpcEndpoint.Ipv4Prefixes":                                                 "ipv4PrefixSet",
	"VpcEndpoint.Ipv6Prefixes":                                                 "ipv6PrefixSet",
	"VpcEndpoint.NetworkInterfaceIds":                                          "networkInterfaceIdSet",
	"VpcEndpoint.PayerResponsibilities":                                        "payerResponsibilitySet",
	"VpcEndpoint.RouteTableIds":                                                "routeTableIdSet",
	"VpcEndpoint.SubnetIds":                                                    "subnetIdSet",
	"VpcEndpoint.Tags":                                                         "tagSet",
}

// ec2Items are the EC2 lists whose items are not <item> (same source).
var ec2Items = map[string]string{
	"LaunchTemplateInstanceNetworkInterfaceSpecification.Groups": "groupId",
}

func reflectOf(v any) reflect.Value { return reflect.ValueOf(v) }
